// The exact fix for a failed identity check, from its cause and what the model knows offline.
// Kept free of heavy imports: `check` uses it on its warm path.
import { UNSET_ENV_KEYS, type CauseId, type Finding } from '../core/causes.js';
import type { Resolution } from '../core/resolve.js';
import { DEFAULT_STS_REGION } from './regions.js';
import type { AssumeRoleSpec, Target } from './types.js';

/**
 * The resolution as the provider's STS calls see it: signed for `sts_region` when set. The
 * context key (the cache entry) stays the provider's.
 */
export function stsView(r: Resolution, t: Target): Resolution {
  return t.stsRegion && t.stsRegion !== r.region ? { ...r, region: t.stsRegion } : r;
}


/** Where a provider setting is edited: `provider "aws"` / `provider "aws" (alias "west")` / `backend "s3"`. */
export function blockName(t: Target): string {
  if (t.kind === 'backend') return 'backend "s3"';
  if (t.address.startsWith('aws.')) return `provider "aws" (alias "${t.address.slice(4)}")`;
  return 'provider "aws"';
}

function inFile(t: Target): string {
  return t.file ? ` in ${t.file}` : '';
}

/** The profile whose static keys are at the root of the chain. */
export function rootProfile(r: Resolution): string | undefined {
  return r.chain.at(-1)?.name ?? r.profile;
}

/** `aws iam …` commands need the real key id; it is read where it lives, never printed. */
export function keyIdExpression(r: Resolution): string {
  if (r.source === 'env') return '"$AWS_ACCESS_KEY_ID"';
  const p = rootProfile(r);
  if (r.source === 'profile' && p) return `"$(aws configure get aws_access_key_id --profile ${p})"`;
  return `${r.key?.masked ?? '<key id>'}`;
}

export interface FixContext {
  /** IAM user name of the key, when known (from the identity ARN, now or before). */
  userName?: string;
  /** A profile in the environment's shadow that is known to work. */
  workingShadowedProfile?: string;
}

export function userNameFromArn(arn: string | undefined): string | undefined {
  const m = arn ? /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn) : null;
  return m?.[1];
}

/**
 * The fix for an identity failure of cause `cause`. Model findings with the same cause carry the
 * most specific fix (they know which variable or profile), so they win.
 */
export function fixFor(cause: CauseId | undefined, r: Resolution, t: Target, fx: FixContext = {}, modelFindings: Finding[] = r.findings): string {
  const same = modelFindings.find((f) => f.cause === cause && f.severity === 'error' && f.fix);
  if (same?.fix) return same.fix;
  const profile = rootProfile(r);
  switch (cause) {
    case 'env-override':
      return r.source === 'env' ? UNSET_ENV_KEYS : `aws configure --profile ${profile ?? 'default'}`;
    case 'wrong-credentials':
      if (r.source === 'env') {
        if (fx.workingShadowedProfile) return UNSET_ENV_KEYS;
        if (r.shadowedProfile) return `${UNSET_ENV_KEYS}  # then Terraform uses profile ${r.shadowedProfile}`;
        return `${UNSET_ENV_KEYS}  # then export the correct pair, or use a profile: export AWS_PROFILE=<profile>`;
      }
      if (r.source === 'provider-static') return `correct access_key/secret_key in ${blockName(t)}${inFile(t)} (better: remove them and use a profile)`;
      return `aws configure --profile ${profile ?? 'default'}`;
    case 'inactive-key': {
      const user = fx.userName ? ` --user-name ${fx.userName}` : '';
      const target = r.source === 'env' ? 'export the new pair as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY' : `aws configure --profile ${profile ?? 'default'}`;
      return `aws iam create-access-key${user}  # then: ${target}`;
    }
    case 'expired-credentials': {
      const sso = r.chain.find((l) => l.kind === 'sso' || l.kind === 'sso-legacy');
      if (sso) return `aws sso login --profile ${sso.name}`;
      if (r.source === 'env') return `${UNSET_ENV_KEYS}  # then start a new session (aws-vault exec / granted / awsume)`;
      return `refresh the session credentials of profile ${r.profile ?? 'default'} (aws configure --profile ${profile ?? 'default'})`;
    }
    case 'missing-profile':
      return `aws configure --profile ${r.profile ?? 'default'}`;
    case 'no-credentials':
      return 'aws configure  # or: export AWS_PROFILE=<profile>';
    case 'sts-region':
      return `add sts_region = "${DEFAULT_STS_REGION}" to ${blockName(t)}${inFile(t)}`;
    case 'clock-skew':
      return 'sudo timedatectl set-ntp true  # or: sudo chronyc makestep (sync the system clock)';
    case 'wrong-profile':
      return r.profile ? `export AWS_PROFILE=<the profile Terraform should use>  # now: ${r.profile}` : 'export AWS_PROFILE=<the profile Terraform should use>';
    default:
      return 'credguard doctor  # for the full diagnosis';
  }
}

/** The role Terraform ends up as: the last assume_role block (role chaining), else the only one. */
export function finalRole(t: Target): AssumeRoleSpec | undefined {
  return t.assumeRoleChain?.at(-1) ?? t.assumeRole;
}
