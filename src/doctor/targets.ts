// Terraform configuration → the places Terraform authenticates (doctor's targets). Literal and
// resolvable values are used; anything unknown is listed, never guessed.
import type { AwsCredentialSettings, TerraformConfig } from '../terraform/config.js';
import { isKnown, revealSecret, type SecretValue, type Value } from '../terraform/values.js';
import type { AssumeRoleSpec, Target, UnknownSetting } from './types.js';

import { environmentTarget } from './environment.js';

export { environmentTarget, ENVIRONMENT } from './environment.js';

export function targetsFromConfig(cfg: TerraformConfig): Target[] {
  const out: Target[] = [];
  for (const p of cfg.providers) out.push(fromSettings(p.address, 'provider', p));
  if (!cfg.providers.length && cfg.files.length) {
    // Terraform configures a default provider "aws" from the environment when resources use it.
    const t = environmentTarget();
    out.push({ ...t, address: 'aws', kind: 'provider', notes: ['no provider "aws" block: Terraform configures the provider from the environment alone'] });
  }
  if (cfg.backend?.kind === 's3') out.push(fromSettings('backend "s3"', 'backend', cfg.backend));
  return out;
}

function fromSettings(address: string, kind: 'provider' | 'backend', s: AwsCredentialSettings): Target {
  const unknowns: UnknownSetting[] = [];
  const notes: string[] = [];
  const t: Target = { address, kind, file: s.file, resolve: {}, unknowns, notes };
  const known = <T>(v: Value<T> | undefined, critical = true): T | undefined => {
    if (v === undefined) return undefined;
    if (isKnown(v)) return v.value;
    if (critical) unknowns.push({ attribute: v.origin.attribute, expression: v.unknown, reason: v.reason });
    else notes.push(`${v.origin.attribute} = ${v.unknown} is unknown (${v.reason}); not used`);
    return undefined;
  };
  const secret = (v: SecretValue | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (v.unknown !== undefined) {
      unknowns.push({ attribute: v.origin.attribute, expression: v.unknown, reason: 'cannot be evaluated offline' });
      return undefined;
    }
    return revealSecret(v);
  };

  const profile = known(s.profile);
  if (profile) t.resolve.profile = profile;
  const region = known(s.region);
  if (region) t.resolve.region = region;
  const stsRegion = known(s.stsRegion);
  if (stsRegion) t.stsRegion = stsRegion;
  const configFiles = known(s.sharedConfigFiles);
  if (configFiles?.[0]) t.resolve.sharedConfigFile = configFiles[0];
  if (configFiles && configFiles.length > 1) notes.push(`shared_config_files has ${configFiles.length} entries; doctor reads the first`);
  const credFiles = known(s.sharedCredentialsFiles);
  if (credFiles?.[0]) t.resolve.sharedCredentialsFile = credFiles[0];
  if (credFiles && credFiles.length > 1) notes.push(`shared_credentials_files has ${credFiles.length} entries; doctor reads the first`);
  const sts = known(s.endpointsSts);
  if (sts) t.resolve.stsEndpoint = sts;
  const iam = known(s.endpointsIam, false);
  if (iam) t.iamEndpoint = iam;

  const accessKey = secret(s.accessKey);
  const secretKey = secret(s.secretKey);
  const token = secret(s.token);
  if (accessKey !== undefined || secretKey !== undefined) {
    if (accessKey !== undefined && secretKey !== undefined) {
      t.resolve.providerStatic = { accessKeyId: accessKey, hasSecret: true, hasSessionToken: Boolean(token) };
      // non-enumerable: JSON.stringify, spreads and util.inspect never carry the secret along
      Object.defineProperty(t, 'staticCredentials', { value: { accessKeyId: accessKey, secretAccessKey: secretKey, ...(token ? { sessionToken: token } : {}) }, enumerable: false });
    } else if (!t.unknowns.length) {
      notes.push(`${address} sets only one of access_key/secret_key: Terraform ignores the half pair`);
    }
  }

  const allowed = known(s.allowedAccountIds);
  if (allowed) t.allowedAccountIds = allowed;
  const forbidden = known(s.forbiddenAccountIds);
  if (forbidden) t.forbiddenAccountIds = forbidden;
  const skip = known(s.skipCredentialsValidation, false);
  if (skip) {
    t.skipCredentialsValidation = true;
    notes.push('skip_credentials_validation = true: Terraform does not check the credentials at start-up, the first API call fails instead');
  }

  const hops: AssumeRoleSpec[] = [];
  for (const [i, block] of s.assumeRole.entries()) {
    // An unknown role_arn or external_id of the first block leaves the provider unchecked (an
    // unknown, never guessed); of a later block, the chain is followed up to it.
    const later = hops.length > 0;
    const unknown = [block.roleArn, block.externalId].find((v) => v !== undefined && !isKnown(v));
    if (later && unknown && !isKnown(unknown)) {
      notes.push(`${unknown.origin.attribute} = ${unknown.unknown} is unknown (${unknown.reason}): doctor follows the role chain up to hop ${i}`);
      t.assumeRoleIncomplete = true;
      break;
    }
    const roleArn = known(block.roleArn);
    if (roleArn === '') {
      notes.push(`assume_role block ${i + 1} has an empty role_arn: Terraform skips it`);
      continue;
    }
    if (!roleArn) break;
    const spec: AssumeRoleSpec = { roleArn };
    const ext = known(block.externalId);
    if (ext) spec.externalId = ext;
    const session = known(block.sessionName, false);
    if (session) spec.sessionName = session;
    const seconds = durationSeconds(known(block.duration, false), known(block.durationSeconds, false));
    if (seconds) spec.durationSeconds = seconds;
    hops.push(spec);
  }
  if (hops.length) {
    const [first, ...rest] = hops;
    t.assumeRole = first;
    if (rest.length) t.assumeRoleChain = rest;
  }
  if (s.assumeRoleWithWebIdentity) {
    const arn = known(s.assumeRoleWithWebIdentity.roleArn, false);
    if (arn) t.webIdentityRole = arn;
    notes.push('assume_role_with_web_identity is configured: doctor checks the base credentials only');
  }
  return t;
}

/** Terraform duration (`1h`, `90m`, `1h30m`, `900s`) or legacy seconds → seconds. */
export function durationSeconds(duration: string | undefined, seconds: string | undefined): number | undefined {
  if (seconds && /^\d+$/.test(seconds)) return Number(seconds);
  if (!duration) return undefined;
  const re = /(\d+(?:\.\d+)?)(h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of duration.matchAll(re)) {
    total += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
    matched += m[0];
  }
  return matched === duration && total > 0 ? Math.round(total) : undefined;
}
