// Access key id facts that need no network: prefix class, shape, stray characters, and the
// account id encoded in modern key ids.
import { maskKeyId } from './mask.js';

/** Unique-id prefixes AWS documents (IAM "Unique identifiers"). */
export const KEY_PREFIXES: Record<string, string> = {
  AKIA: 'long-term IAM user access key',
  ASIA: 'temporary (STS) access key',
  ABIA: 'AWS STS service bearer token',
  ACCA: 'context-specific credential',
  AGPA: 'IAM group id',
  AIDA: 'IAM user id',
  AIPA: 'EC2 instance profile id',
  ANPA: 'managed policy id',
  ANVA: 'managed policy version id',
  APKA: 'public key id',
  AROA: 'IAM role id',
  ASCA: 'certificate id',
};

export type KeyClass = 'long-term' | 'temporary' | 'other' | 'unknown';

export interface KeyFacts {
  masked: string;
  prefix: string;
  klass: KeyClass;
  /** Human problems with the value itself: whitespace, quotes, CR, wrong length or charset. */
  problems: string[];
  /** Account id decoded offline, when the key's format encodes it. */
  accountId: string | undefined;
}

export function keyFacts(raw: string): KeyFacts {
  const problems: string[] = [];
  if (/\r/.test(raw)) problems.push('contains a carriage return (CRLF line ending?)');
  if (/^\s|\s$/.test(raw.replace(/\r/g, ''))) problems.push('has leading or trailing whitespace');
  if (/["']/.test(raw)) problems.push('contains a quote character');
  const value = raw.replace(/[\s"']/g, '');
  const prefix = value.slice(0, 4).toUpperCase();
  if (value.length !== 20) problems.push(`is ${value.length} characters long, access key ids are 20`);
  else if (!/^[A-Z0-9]+$/.test(value)) problems.push('contains characters other than A-Z and 0-9');
  const klass: KeyClass = prefix === 'AKIA' ? 'long-term' : prefix === 'ASIA' ? 'temporary' : KEY_PREFIXES[prefix] ? 'other' : 'unknown';
  if (klass === 'unknown') problems.push(`starts with "${prefix}", which is not an AWS access key prefix`);
  else if (klass === 'other') problems.push(`starts with "${prefix}" (${KEY_PREFIXES[prefix]}), not an access key`);
  return { masked: maskKeyId(value || raw), prefix, klass, problems, accountId: accountIdFromKeyId(value) };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The account id encoded in an AKIA/ASIA key id (the publicly documented decoding: base32 of
 * the 16 characters after the prefix, first 6 bytes big-endian, bits 7..46). Keys minted before
 * 2019 (fifth character I or J) do not encode it: undefined.
 */
export function accountIdFromKeyId(keyId: string): string | undefined {
  if (!/^A(KIA|SIA)[A-Z2-7]{16}$/.test(keyId)) return undefined;
  if (keyId[4] === 'I' || keyId[4] === 'J') return undefined;
  let bits = 0n;
  for (const ch of keyId.slice(4, 14)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch)); // 10 chars = 50 bits
  const first48 = bits >> 2n; // the first 6 bytes
  const account = (first48 & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, '0');
}

export function secretProblems(raw: string): string[] {
  const problems: string[] = [];
  if (/\r/.test(raw)) problems.push('contains a carriage return (CRLF line ending?)');
  if (/^\s|\s$/.test(raw.replace(/\r/g, ''))) problems.push('has leading or trailing whitespace');
  if (/["']/.test(raw)) problems.push('contains a quote character');
  const value = raw.replace(/[\s"']/g, '');
  if (value.length !== 40) problems.push(`is ${value.length} characters long, secret access keys are 40`);
  return problems;
}
