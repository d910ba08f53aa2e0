// Check — the account Terraform acts as is allowed (allowed_account_ids) and not forbidden
// (forbidden_account_ids); otherwise Terraform stops with "AWS account ID not allowed". The fix
// names a profile whose account is allowed when one is known offline or from the cache.
import { UNSET_ENV_KEYS } from '../../core/causes.js';
import type { Context } from '../../core/context.js';
import { loadAwsFiles } from '../../core/awsfiles.js';
import { readEntry } from '../../core/identity.js';
import { resolveCredentials } from '../../core/resolve.js';
import type { CacheStore } from '../../core/cache.js';
import { blockName, finalRole } from '../fixes.js';
import type { TargetRun } from '../types.js';
import { accountAllowed, accountFromRoleArn } from '../accounts.js';
import { add, mark } from './route.js';

const MAX_PROFILES = 40;

export { accountAllowed, accountFromRoleArn };

export async function accountCheck(ctx: Context, run: TargetRun, store: CacheStore): Promise<void> {
  const t = run.target;
  if (!t.allowedAccountIds?.length && !t.forbiddenAccountIds?.length) {
    mark(run, 'account', run.account ? 'ok' : 'skip', run.account ? `account ${run.account} (no allowed/forbidden list)` : 'no allowed_account_ids / forbidden_account_ids');
    return;
  }
  if (t.assumeRole && !run.assumed) {
    mark(run, 'account', 'skip', 'account unknown: the assume_role step did not get through');
    return;
  }
  if (!run.account) {
    mark(run, 'account', 'skip', t.assumeRoleIncomplete ? 'account unknown: a later assume_role role_arn is unknown' : 'account unknown (identity check failed)');
    return;
  }
  const verdict = accountAllowed(t, run.account);
  if (verdict.ok) {
    mark(run, 'account', 'ok', `account ${run.account} allowed`);
    return;
  }
  const role = finalRole(t);
  const fix = role
    ? `set assume_role.role_arn in ${blockName(t)}${t.file ? ` (${t.file})` : ''} to a role of an allowed account (now ${role.roleArn})`
    : await profileFix(ctx, run, store);
  add(run, {
    cause: 'wrong-profile',
    severity: 'error',
    message: `Terraform acts as account ${run.account}, which is ${verdict.why}: it stops with "AWS account ID not allowed: ${run.account}".`,
    evidence: `account ${run.account} (from ${run.accountFrom ?? 'STS'})${run.r.profile ? `, profile ${run.r.profile}` : ''}`,
    fix,
  }, 'account');
  mark(run, 'account', 'error', `account ${run.account} ${verdict.why}`);
}

/** Which profile would give an allowed account: cached identities first, then role_arn / sso_account_id / key id. */
async function profileFix(ctx: Context, run: TargetRun, store: CacheStore): Promise<string> {
  const t = run.target;
  const wanted = t.allowedAccountIds?.length ? `one of ${t.allowedAccountIds.join(', ')}` : `an account other than ${t.forbiddenAccountIds?.join(', ')}`;
  const found = await findProfile(ctx, run, store);
  if (!found) return `use credentials of ${wanted}: export AWS_PROFILE=<a profile of ${wanted}>`;
  const note = `  # profile ${found.profile} is account ${found.account} (${found.from})`;
  if (run.r.profileOrigin === 'provider') return `set profile = "${found.profile}" in ${blockName(t)}${t.file ? ` (${t.file})` : ''}${note}`;
  if (run.r.source === 'env') return `${UNSET_ENV_KEYS}; export AWS_PROFILE=${found.profile}${note}`;
  return `export AWS_PROFILE=${found.profile}${note}`;
}

async function findProfile(ctx: Context, run: TargetRun, store: CacheStore): Promise<{ profile: string; account: string; from: string } | undefined> {
  const t = run.target;
  const files = await loadAwsFiles(ctx, { ...(t.resolve.sharedConfigFile ? { config: t.resolve.sharedConfigFile } : {}), ...(t.resolve.sharedCredentialsFile ? { credentials: t.resolve.sharedCredentialsFile } : {}) });
  const names = [...new Set([...Object.keys(files.config), ...Object.keys(files.credentials)])].sort().slice(0, MAX_PROFILES);
  const env = { ...ctx.env };
  for (const n of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[n];
  const clean = { ...ctx, env };
  const ok = (a: string | undefined): a is string => a !== undefined && accountAllowed(t, a).ok;
  const candidates: Array<{ profile: string; account: string; from: string; rank: number }> = [];
  for (const name of names) {
    if (name === run.r.profile) continue;
    const r = await resolveCredentials(clean, { ...t.resolve, profile: name });
    if (r.failsOffline) continue;
    const cached = readEntry(store, r.contextKey);
    if (cached?.status === 'ok' && ok(cached.account)) candidates.push({ profile: name, account: cached.account, from: 'cached identity', rank: 0 });
    const role = accountFromRoleArn(r.chain[0]?.roleArn);
    if (ok(role)) candidates.push({ profile: name, account: role, from: `role_arn ${r.chain[0]?.roleArn}`, rank: 1 });
    const root = r.chain.at(-1);
    if (root?.ssoAccountId && ok(root.ssoAccountId)) candidates.push({ profile: name, account: root.ssoAccountId, from: 'sso_account_id', rank: 1 });
    if (!role && !root?.ssoAccountId && ok(r.key?.accountId)) candidates.push({ profile: name, account: r.key?.accountId ?? '', from: `decoded from key id ${r.key?.masked}`, rank: 2 });
  }
  return candidates.sort((a, b) => a.rank - b.rank)[0];
}
