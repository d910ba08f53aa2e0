// Hashing without paying for node:crypto at startup: it is required on first use only
// (env-check and a clean scan never need it, and loading it costs milliseconds).
import { builtin } from './builtin.js';

let crypto: typeof import('node:crypto') | undefined;

function lib(): typeof import('node:crypto') {
  crypto ??= builtin('node:crypto') as typeof import('node:crypto');
  return crypto;
}

export function sha1Hex(text: string): string {
  return lib().createHash('sha1').update(text).digest('hex');
}

export function sha256Hex(text: string): string {
  return lib().createHash('sha256').update(text).digest('hex');
}

export function randomHex(bytes: number): string {
  return lib().randomBytes(bytes).toString('hex');
}

/** FNV-1a, 32 bit: a cheap fingerprint for cache keys that are not security boundaries. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Three FNV-1a passes: a 96-bit fingerprint for cache file names (not a security boundary). */
export function fnv96(text: string): string {
  return fnv1a(text) + fnv1a(`${text}\u0001`) + fnv1a(`\u0002${text}`);
}
