// Which account do the credentials in effect belong to — without asking AWS. In order of
// certainty: the role being assumed (its ARN names the account), the SSO account of the
// profile, the account encoded in the access key id, and last the cached identity of an
// earlier `whoami`/`refresh`/prompt check. Never a network call.
import type { Env } from '../core/context.js';
import type { Resolution } from '../core/resolve.js';
import type { KnownIdentity } from './types.js';

export interface AccountFact {
  account: string;
  /** Where it was read, for the evidence line. */
  from: string;
}

const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\//;

export function accountFromRoleArn(arn: string | undefined): string | undefined {
  return arn ? ROLE_ARN.exec(arn)?.[1] : undefined;
}

export function offlineAccount(r: Resolution, env: Env): AccountFact | undefined {
  if (r.source === 'env-web-identity') {
    const account = accountFromRoleArn(env['AWS_ROLE_ARN']);
    return account ? { account, from: 'AWS_ROLE_ARN' } : undefined;
  }
  if (r.source === 'profile') {
    const first = r.chain[0];
    const fromRole = accountFromRoleArn(first?.roleArn);
    if (first && fromRole) return { account: fromRole, from: `role_arn of profile ${first.name}` };
    const root = r.chain.at(-1);
    if (root && (root.kind === 'sso' || root.kind === 'sso-legacy') && root.ssoAccountId && /^\d{12}$/.test(root.ssoAccountId)) {
      return { account: root.ssoAccountId, from: `sso_account_id of profile ${root.name}` };
    }
  }
  if ((r.source === 'env' || r.source === 'profile' || r.source === 'provider-static') && r.key?.accountId) {
    return { account: r.key.accountId, from: `access key id ${r.key.masked}` };
  }
  return undefined;
}

export function accountOf(r: Resolution, env: Env, cached: KnownIdentity | undefined, now: number): AccountFact | undefined {
  const offline = offlineAccount(r, env);
  if (offline) return offline;
  if (cached) {
    const minutes = Math.max(0, Math.round((now - cached.checkedAt) / 60_000));
    return { account: cached.account, from: `cached identity, checked ${minutes < 120 ? `${minutes}m` : `${Math.round(minutes / 60)}h`} ago` };
  }
  return undefined;
}
