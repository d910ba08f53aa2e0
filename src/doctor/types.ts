// Shapes shared by doctor's checks, its orchestrator, its output and `check`.
import type { Finding } from '../core/causes.js';
import type { ResolveOptions } from '../core/resolve.js';
import type { StaticCredentials } from '../core/sts.js';

/** The article's checklist, one id per row of the table. */
export const CHECKS = {
  identity: 'identity works (sts get-caller-identity)',
  source: 'credential source in effect',
  profile: 'profile exists, chain valid',
  env: 'no stale env vars',
  key: 'access key well-formed and active',
  expiry: 'credentials not expired',
  region: 'region set, STS region',
  account: 'account allowed',
  'assume-role': 'assume_role works',
  clock: 'clock in sync',
} as const;

export type CheckId = keyof typeof CHECKS;
export const CHECK_ORDER = Object.keys(CHECKS) as CheckId[];

export type CheckStatus = 'ok' | 'warn' | 'error' | 'skip';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One short line: what was seen (masked). */
  detail: string;
}

export interface DoctorFinding extends Finding {
  /** `aws`, `aws.west`, `backend "s3"` or `environment`. */
  target: string;
  check: CheckId;
}

export interface AssumeRoleSpec {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
}

/** A value of the configuration doctor could not evaluate (reported, never guessed). */
export interface UnknownSetting {
  attribute: string;
  expression: string;
  reason: string;
}

/**
 * One place Terraform authenticates: a provider configuration, the s3 backend, or — with no
 * Terraform files — the environment's default context. Serializable except `staticCredentials`.
 */
export interface Target {
  address: string;
  kind: 'provider' | 'backend' | 'environment';
  file?: string;
  resolve: ResolveOptions;
  /** Provider-block keys, memory only (never in the summary cache or output). */
  staticCredentials?: StaticCredentials;
  /** The first (or only) assume_role block: assumed with the base credentials. */
  assumeRole?: AssumeRoleSpec;
  /** Role chaining: the assume_role blocks after the first, in order, each assumed with the credentials of the one before. */
  assumeRoleChain?: AssumeRoleSpec[];
  /** A later assume_role block's role is unknown: the chain is followed up to it, and the final account is unknown. */
  assumeRoleIncomplete?: boolean;
  webIdentityRole?: string;
  allowedAccountIds?: string[];
  forbiddenAccountIds?: string[];
  stsRegion?: string;
  iamEndpoint?: string;
  skipCredentialsValidation?: boolean;
  /** Credential-relevant settings that are unknown: the target cannot be diagnosed exactly. */
  unknowns: UnknownSetting[];
  notes: string[];
}

/** Everything doctor learns about one target while its checks run. */
export interface TargetRun {
  target: Target;
  r: import('../core/resolve.js').Resolution;
  /** The cached entry before this run (its lastOkAt/arn tell a deleted key from a typo). */
  prev?: import('../core/identity.js').IdentityEntry;
  entry?: import('../core/identity.js').IdentityEntry;
  /** The account Terraform acts as (after assume_role when configured). */
  account?: string;
  accountFrom?: string;
  assumed?: { account?: string; arn?: string };
  /** Server clock from the STS endpoint's Date header, and our clock at that moment. */
  clock?: { serverMs: number; localMs: number };
  /** Credential-relevant settings are unknown: no network check was made. */
  undetermined: boolean;
  findings: DoctorFinding[];
  checks: Partial<Record<CheckId, CheckResult>>;
}

export interface DoctorSettings {
  /** Access keys older than this are reported (IAM check). */
  maxKeyAgeDays: number;
  /** Clock offset that is reported as a warning / an error. */
  clockWarnSeconds: number;
  clockErrorSeconds: number;
  /** Credentials expiring within this many minutes are reported. */
  expiringMinutes: number;
}

export const DOCTOR_DEFAULTS: DoctorSettings = {
  maxKeyAgeDays: 90,
  clockWarnSeconds: 120,
  clockErrorSeconds: 300,
  expiringMinutes: 15,
};
