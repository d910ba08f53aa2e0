// Account predicates shared by doctor's account check and `check` (light: no AWS files loader).
import type { Target } from './types.js';

const ROLE_ACCOUNT = /^arn:[^:]+:iam::(\d{12}):role\//;

export function accountFromRoleArn(arn: string | undefined): string | undefined {
  return arn ? ROLE_ACCOUNT.exec(arn)?.[1] : undefined;
}

export function accountAllowed(t: Pick<Target, 'allowedAccountIds' | 'forbiddenAccountIds'>, account: string): { ok: boolean; why?: string } {
  if (t.allowedAccountIds?.length && !t.allowedAccountIds.includes(account)) return { ok: false, why: `not in allowed_account_ids [${t.allowedAccountIds.join(', ')}]` };
  if (t.forbiddenAccountIds?.includes(account)) return { ok: false, why: `in forbidden_account_ids [${t.forbiddenAccountIds.join(', ')}]` };
  return { ok: true };
}
