// Check 1 — identity works: STS GetCallerIdentity with exactly the source Terraform would use,
// through the provider's STS endpoint. The answer goes to the shared cache (check and the prompt
// reuse it). A failure is named by its cause; where one more call settles the cause (a working
// profile behind stale env keys, an opt-in Region), doctor makes it.
import type { Context } from '../../core/context.js';
import { getIdentity, type CoreSettings, type IdentityEntry } from '../../core/identity.js';
import { resolveCredentials, type Resolution } from '../../core/resolve.js';
import { callerIdentity } from '../../core/sts.js';
import type { CacheStore } from '../../core/cache.js';
import { UNSET_ENV_KEYS, type CauseId } from '../../core/causes.js';
import { fixFor, stsView, userNameFromArn } from '../fixes.js';
import { DEFAULT_STS_REGION, isOptInRegion } from '../regions.js';
import type { TargetRun } from '../types.js';
import { add, checkOf, mark } from './route.js';

export async function identityCheck(ctx: Context, run: TargetRun, settings: CoreSettings, store: CacheStore, checked: Map<string, IdentityEntry> = new Map()): Promise<void> {
  const { r, target } = run;
  const memoKey = `${r.contextKey}|${target.stsRegion ?? ''}`;
  const entry = checked.get(memoKey) ?? (await getIdentity(ctx, stsView(r, target), { settings, force: true, ...(target.staticCredentials ? { staticCredentials: target.staticCredentials } : {}) }, store)).entry;
  checked.set(memoKey, entry);
  run.entry = entry;
  if (entry.status === 'ok') {
    run.account = entry.account;
    run.accountFrom = 'GetCallerIdentity';
    mark(run, 'identity', 'ok', `${entry.arn ?? '?'} (account ${entry.account ?? '?'})`);
    return;
  }
  if (entry.errorCode === 'Offline') {
    // The model already knows Terraform fails before any request (missing profile, expired SSO…):
    // its findings say why; the row points at them.
    mark(run, 'identity', 'error', `not attempted: ${entry.cause ?? 'no usable credentials'} (see below)`);
    return;
  }
  if (!entry.cause && entry.status === 'error') {
    // Not an answer about the credentials: STS could not be reached (timeout, DNS, refused).
    add(run, {
      cause: 'network',
      severity: 'error',
      message: `STS did not answer: ${entry.errorCode ?? 'error'}${entry.errorMessage ? ` (${entry.errorMessage})` : ''}. Terraform would fail the same way; the credentials themselves were not judged.`,
      evidence: `endpoint ${r.stsEndpoint ?? `the default STS endpoint of ${target.stsRegion ?? r.region ?? 'us-east-1'}`}`,
      fix: r.stsEndpoint ? `check that ${r.stsEndpoint} is reachable (curl -sI ${r.stsEndpoint}), or fix endpoints.sts / AWS_ENDPOINT_URL_STS` : 'check the network, proxy (HTTPS_PROXY) and DNS for sts.amazonaws.com',
    }, 'identity');
    mark(run, 'identity', 'error', `STS not reachable (${entry.errorCode ?? 'error'})`);
    return;
  }
  let cause: CauseId | undefined = entry.cause;
  let message = `STS GetCallerIdentity failed: ${entry.errorCode ?? 'error'}${entry.errorMessage ? `: ${entry.errorMessage}` : ''}. ${entry.explanation ?? ''}`.trim();
  let fix: string | undefined;
  const evidence: string[] = [];
  if (r.key) evidence.push(`key ${r.key.masked} (${sourceLabel(r)})`);
  else evidence.push(sourceLabel(r));
  if (r.stsEndpoint) evidence.push(`endpoint ${r.stsEndpoint}`);

  const fx: { userName?: string; workingShadowedProfile?: string } = {};
  const user = userNameFromArn(entry.arn ?? run.prev?.arn);
  if (user) fx.userName = user;

  // Stale env keys in front of a profile: does the profile itself work?
  if ((cause === 'wrong-credentials' || cause === 'inactive-key' || cause === 'expired-credentials') && r.source === 'env' && r.shadowedProfile) {
    const envless = withoutEnvKeys(ctx);
    const behind = await resolveCredentials(envless, target.resolve);
    if (!behind.failsOffline) {
      const res = await callerIdentity(envless, behind, { timeoutMs: settings.timeoutMs });
      if (res.status === 'ok') {
        fx.workingShadowedProfile = r.shadowedProfile;
        cause = 'env-override';
        message = `Stale environment keys shadow ${r.profile ?? `profile ${r.shadowedProfile}`}: STS rejects them (${entry.errorCode}), while profile ${r.shadowedProfile} works (account ${res.account}).`;
        evidence.push(`AWS_PROFILE=${r.shadowedProfile} → ${res.arn ?? res.account}`);
        fix = UNSET_ENV_KEYS;
      }
    }
  }

  // InvalidClientTokenId in an opt-in Region: would STS in a default Region accept the same keys?
  if (entry.errorCode === 'InvalidClientTokenId' && isOptInRegion(target.stsRegion ?? r.region) && !fix) {
    const retry: Resolution = { ...r, region: DEFAULT_STS_REGION };
    const res = await callerIdentity(ctx, retry, { timeoutMs: settings.timeoutMs, ...(target.staticCredentials ? { staticCredentials: target.staticCredentials } : {}) });
    if (res.status === 'ok') {
      cause = 'sts-region';
      message = `STS in ${target.stsRegion ?? r.region} rejects the credentials (InvalidClientTokenId) while STS in ${DEFAULT_STS_REGION} accepts them: the opt-in Region is not enabled for account ${res.account}, or the token is a v1 global-endpoint token.`;
      evidence.push(`region ${target.stsRegion ?? r.region} (${r.regionSource ?? 'provider'}) is opt-in`);
      fix = fixFor('sts-region', r, target, fx, []);
    }
  }
  if (cause === 'inactive-key' && run.prev?.lastOkAt) {
    evidence.push(`this key worked at ${new Date(run.prev.lastOkAt).toISOString()}`);
  }
  fix ??= fixFor(cause, r, target, fx);
  const check = cause ? checkOf(cause) : 'identity';
  add(run, { cause: cause ?? 'no-credentials', severity: 'error', message, evidence: evidence.join('; '), fix }, 'identity');
  mark(run, 'identity', 'error', `${entry.errorCode ?? entry.status}${cause ? ` → ${cause}` : ''}`);
  if (check !== 'identity') mark(run, check, 'error', `${cause} (from the STS answer)`);
}

function withoutEnvKeys(ctx: Context): Context {
  const env = { ...ctx.env };
  for (const n of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']) delete env[n];
  return { ...ctx, env };
}

export function sourceLabel(r: Resolution): string {
  switch (r.source) {
    case 'env':
      return r.shadowedProfile ? `environment keys, shadowing profile ${r.shadowedProfile}` : 'environment keys';
    case 'profile':
      return `profile ${r.profile ?? '?'}${r.profileOrigin && r.profileOrigin !== 'default' ? ` (${r.profileOrigin === 'provider' ? 'provider profile' : r.profileOrigin})` : ''}`;
    case 'provider-static':
      return 'access_key/secret_key in the provider block';
    case 'env-web-identity':
      return 'web identity from the environment';
    case 'container':
      return 'container credentials';
    case 'imds':
      return 'EC2 instance metadata';
    default:
      return 'no credentials';
  }
}
