// Expiry of credentials from every local source, without asking AWS.
import { join } from 'node:path';
import type { Context } from './context.js';
import type { Finding } from './causes.js';
import { sha1Hex } from './hash.js';

export interface Expiry {
  /** Epoch milliseconds. */
  at: number;
  /** Where it was read, e.g. `AWS_CREDENTIAL_EXPIRATION` or `~/.aws/sso/cache/<sha1>.json`. */
  source: string;
  /** True when the tool will renew it silently (an SSO session with a valid refresh token). */
  refreshable: boolean;
}

/** Env vars that aws-vault, granted, awsume and `aws configure export-credentials` set. */
export const ENV_EXPIRY_VARS = ['AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION', 'AWSUME_EXPIRATION'] as const;

/** Keys that tools write next to session credentials in ~/.aws/credentials. */
export const FILE_EXPIRY_KEYS = ['expiration', 'x_security_token_expires', 'aws_expiration', 'aws_session_expiration'] as const;

/**
 * Parse an ISO-8601 timestamp. With an offset or `Z` it is absolute; without one (awsume
 * writes local time) it is read as local time. `2024-01-01 12:00:00 UTC` (the CLI cache's
 * older form) is accepted. Anything else is undefined, never NaN.
 */
export function parseTimestamp(raw: string): number | undefined {
  let text = raw.trim();
  if (text === '') return undefined;
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000; // epoch seconds
  text = text.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function envExpiry(ctx: Context, findings: Finding[]): Expiry | undefined {
  for (const name of ENV_EXPIRY_VARS) {
    const raw = ctx.env[name];
    if (raw === undefined || raw === '') continue;
    const at = parseTimestamp(raw);
    if (at === undefined) {
      findings.push({ cause: 'config', severity: 'warn', message: `${name} is not a timestamp (${JSON.stringify(raw.slice(0, 40))}); expiry unknown.`, fix: `unset ${name}` });
      continue;
    }
    return { at, source: name, refreshable: false };
  }
  return undefined;
}

export function fileExpiry(section: Record<string, string | undefined>, file: string, findings: Finding[]): Expiry | undefined {
  for (const key of FILE_EXPIRY_KEYS) {
    const raw = section[key];
    if (raw === undefined || raw === '') continue;
    const at = parseTimestamp(raw);
    if (at === undefined) {
      findings.push({ cause: 'config', severity: 'warn', file, message: `${file}: "${key}" is not a timestamp; expiry unknown.` });
      continue;
    }
    return { at, source: `${file} (${key})`, refreshable: false };
  }
  return undefined;
}

/** The SSO token cache file for an sso-session name, or for a legacy start URL. */
export function ssoCachePath(home: string, sessionNameOrStartUrl: string): string {
  const hash = sha1Hex(sessionNameOrStartUrl);
  return join(home, '.aws', 'sso', 'cache', `${hash}.json`);
}

export interface SsoToken {
  expiry: Expiry | undefined;
  /** The cache file exists. */
  present: boolean;
  path: string;
}

/**
 * Read an SSO token cache entry. A token with a refresh token and a still-valid client
 * registration is refreshable (only with `sso_session`: legacy profiles cannot refresh).
 */
export function readSsoToken(ctx: Context, key: string, canRefresh: boolean, findings: Finding[]): SsoToken {
  const path = ssoCachePath(ctx.home, key);
  const read = ctx.readFile(path);
  if (!read.ok) {
    if (!read.missing) findings.push({ cause: 'config', severity: 'warn', file: path, message: `${path} ${read.error}.` });
    return { expiry: undefined, present: false, path };
  }
  const json = parseJsonObject(read.text);
  if (!json) {
    findings.push({ cause: 'config', severity: 'warn', file: path, message: `${path} is not valid JSON; the SSO session is unknown.`, fix: 'Log in again to rewrite it (aws sso login).' });
    return { expiry: undefined, present: true, path };
  }
  const at = typeof json['expiresAt'] === 'string' ? parseTimestamp(json['expiresAt']) : undefined;
  if (at === undefined) {
    findings.push({ cause: 'config', severity: 'warn', file: path, message: `${path} has no valid "expiresAt".` });
    return { expiry: undefined, present: true, path };
  }
  const registrationEnds = typeof json['registrationExpiresAt'] === 'string' ? parseTimestamp(json['registrationExpiresAt']) : undefined;
  const hasRefresh = typeof json['refreshToken'] === 'string' && json['refreshToken'] !== '';
  const refreshable = canRefresh && hasRefresh && (registrationEnds === undefined || registrationEnds > ctx.now());
  return { expiry: { at, source: path, refreshable }, present: true, path };
}

/**
 * The AWS CLI caches assumed-role credentials in ~/.aws/cli/cache/<sha1>.json. Terraform does
 * not read that cache (it assumes the role itself), so this is informational: the newest entry
 * whose AssumedRoleUser ARN names the role.
 */
export function cliCacheExpiry(ctx: Context, roleArn: string, findings: Finding[]): Expiry | undefined {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return undefined;
  const [, account, roleName] = match;
  const dir = join(ctx.home, '.aws', 'cli', 'cache');
  let best: Expiry | undefined;
  for (const name of ctx.listDir(dir)) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    const read = ctx.readFile(path);
    if (!read.ok) continue;
    const json = parseJsonObject(read.text);
    if (!json) {
      findings.push({ cause: 'config', severity: 'info', file: path, message: `${path} is not valid JSON; ignored.` });
      continue;
    }
    const user = json['AssumedRoleUser'] as { Arn?: unknown } | undefined;
    const creds = json['Credentials'] as { Expiration?: unknown } | undefined;
    if (typeof user?.Arn !== 'string' || typeof creds?.Expiration !== 'string') continue;
    if (!user.Arn.includes(`::${account}:assumed-role/${roleName}/`)) continue;
    const at = parseTimestamp(creds.Expiration);
    if (at !== undefined && (!best || at > best.at)) best = { at, source: path, refreshable: true };
  }
  return best;
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
