// What `--fix` may unset. The list is fixed and mirrored, name for name, by the direnv library
// (shell/credguard.direnv.sh), which refuses any other name it is handed.
import type { Env } from '../core/context.js';

/** Credential variables: the keys and the session token (and its legacy alias). */
export const KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

/** Expiry markers aws-vault, granted, awsume and `aws configure export-credentials` leave behind. */
export const EXPIRY_VARS = ['AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION', 'AWSUME_EXPIRATION'] as const;

/** The only names `--fix` ever unsets (AWS_PROFILE and AWS_REGION never: the directory sets those). */
export const UNSET_ALLOWLIST: readonly string[] = [...KEY_VARS, ...EXPIRY_VARS, 'AWS_DEFAULT_PROFILE'];

export function isUnsettable(name: string): boolean {
  return UNSET_ALLOWLIST.includes(name);
}

export function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && v !== '';
}

/**
 * The variables a fix command unsets, when the fix is nothing but `unset <allowlisted names>`
 * (optionally followed by a `# comment`); otherwise undefined — such a fix is for a human.
 */
export function unsetFromFix(fix: string | undefined): string[] | undefined {
  if (!fix) return undefined;
  const m = /^unset((?:\s+[A-Z][A-Z0-9_]*)+)\s*(?:#.*)?$/.exec(fix.trim());
  if (!m) return undefined;
  const names = (m[1] ?? '').trim().split(/\s+/);
  return names.every(isUnsettable) ? names : undefined;
}

/**
 * The names to unset, keeping only variables that are set, and completing a removal of the
 * keys with the session's companions (token alias, expiry markers) so nothing stale is left.
 */
export function completeUnset(env: Env, names: readonly string[]): string[] {
  const out = new Set(names);
  if (out.has('AWS_ACCESS_KEY_ID')) {
    for (const n of [...KEY_VARS, ...EXPIRY_VARS]) out.add(n);
  } else if (out.has('AWS_SESSION_TOKEN')) {
    out.add('AWS_SECURITY_TOKEN');
  }
  return UNSET_ALLOWLIST.filter((n) => out.has(n) && env[n] !== undefined);
}

/** The environment after unsetting `names`. */
export function withoutVars(env: Env, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const n of names) delete out[n];
  return out;
}
