// Shapes shared by the env-check rules, the checker and its output formats.
import type { Env } from '../core/context.js';
import type { Finding } from '../core/causes.js';
import type { Resolution } from '../core/resolve.js';

/** What the directory (or the command line) says it wants. */
export interface EnvCheckOptions {
  /** `--profile P`: the directory works with profile P. */
  profile?: string;
  /** `--account 123456789012`: the credentials must belong to this account. */
  account?: string;
  /** `--region R`: Terraform must run in this region. */
  region?: string;
  /** Credentials expiring within this many minutes are reported (`envCheck.expiringMinutes`). */
  expiringMinutes: number;
}

/** A previously verified identity of a context (from whoami / refresh / the prompt). */
export interface KnownIdentity {
  account: string;
  checkedAt: number;
}

/** Everything a rule may look at. Rules are pure: no files, no network, no clock of their own. */
export interface EnvCheckInput {
  env: Env;
  now: number;
  /** What Terraform does with this environment (resolveCredentials without options). */
  actual: Resolution;
  /**
   * What profile `options.profile` yields on its own (resolveCredentials with `{ profile }`),
   * when it is not already the profile in effect. Used for its health: missing, expired SSO…
   */
  wanted?: Resolution;
  /** The cached identity of `actual.contextKey`, when one was checked before. */
  cachedIdentity?: KnownIdentity;
  options: EnvCheckOptions;
}

export interface EnvFinding extends Finding {
  /** Id of the rule that produced it (`resolution` for the credential model's own findings). */
  rule: string;
  /** Environment variables `--fix` unsets for this directory (allowlisted names only). */
  unset?: string[];
}

export interface EnvRule {
  id: string;
  /** One line for docs and `--help`. */
  summary: string;
  check: (input: EnvCheckInput) => EnvFinding[];
}

/** What `--fix` did: the variables it unset and the finding that asked for it. */
export interface FixedItem {
  unset: string[];
  cause: Finding['cause'];
  message: string;
}
