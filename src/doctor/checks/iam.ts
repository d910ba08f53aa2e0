// Check — the IAM key is Active and not too old: iam:ListAccessKeys for the calling IAM user
// (only when the identity is an IAM user and the call is permitted; --no-iam skips it). STS
// keeps accepting an Inactive key for a short while (and emulators such as moto forever), IAM
// says the truth.
import { redact } from '../../core/mask.js';
import type { Context } from '../../core/context.js';
import type { StaticCredentials } from '../../core/sts.js';
import { awsQuery, xmlValue } from '../aws-query.js';
import { keyIdExpression, userNameFromArn } from '../fixes.js';
import type { DoctorSettings, TargetRun } from '../types.js';
import { add, mark } from './route.js';

const IAM_GLOBAL = 'https://iam.amazonaws.com';

export function iamEndpoint(run: TargetRun, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const e = run.target.iamEndpoint ?? (env['AWS_ENDPOINT_URL_IAM'] || undefined) ?? (env['AWS_ENDPOINT_URL'] || undefined);
  if (e) return e;
  // STS goes to a custom endpoint (an emulator, a proxy): do not send these keys to real IAM.
  if (run.r.stsEndpoint) return undefined;
  return IAM_GLOBAL;
}

export async function iamCheck(ctx: Context, run: TargetRun, creds: StaticCredentials | undefined, opts: { enabled: boolean; timeoutMs: number; settings: DoctorSettings }): Promise<void> {
  const arn = run.entry?.status === 'ok' ? run.entry.arn : undefined;
  const user = userNameFromArn(arn);
  if (!opts.enabled) return mark(run, 'key', 'skip', 'IAM key status not checked (--no-iam)');
  if (!user || !creds) return;
  const endpoint = iamEndpoint(run, ctx.env);
  if (!endpoint) return mark(run, 'key', 'skip', 'IAM key status not checked: endpoints.sts is custom and no IAM endpoint is set');
  let res;
  try {
    res = await awsQuery(endpoint, { service: 'iam', region: 'us-east-1', params: { Action: 'ListAccessKeys', Version: '2010-05-08', UserName: user }, credentials: creds, now: ctx.now(), timeoutMs: opts.timeoutMs });
  } catch (err) {
    return mark(run, 'key', 'skip', `IAM not reachable (${(err as Error).name === 'TimeoutError' ? 'timeout' : redact((err as Error).message)})`);
  }
  if (res.status !== 200) {
    const code = xmlValue(res.body, 'Code') ?? `HTTP ${res.status}`;
    return mark(run, 'key', 'skip', code === 'AccessDenied' ? 'iam:ListAccessKeys not permitted; key status unknown' : `ListAccessKeys failed: ${code}`);
  }
  const members = [...res.body.matchAll(/<member>([\s\S]*?)<\/member>/g)].map((m) => m[1] ?? '');
  const mine = members.find((m) => xmlValue(m, 'AccessKeyId') === creds.accessKeyId);
  if (!mine) return mark(run, 'key', 'skip', `the key is not among ${user}'s access keys`);
  const status = xmlValue(mine, 'Status');
  const created = Date.parse(xmlValue(mine, 'CreateDate') ?? '');
  const ageDays = Number.isFinite(created) ? Math.floor((ctx.now() - created) / 86_400_000) : undefined;
  const masked = run.r.key?.masked ?? 'the key';
  if (status === 'Inactive') {
    add(run, {
      cause: 'inactive-key',
      severity: 'error',
      message: `IAM reports access key ${masked} of user ${user} as Inactive: AWS rejects it with InvalidClientTokenId.`,
      evidence: `iam:ListAccessKeys → ${masked} Status=Inactive${ageDays !== undefined ? `, created ${ageDays} days ago` : ''}`,
      fix: `aws iam update-access-key --user-name ${user} --access-key-id ${keyIdExpression(run.r)} --status Active  # or create a new key: aws iam create-access-key --user-name ${user}`,
    }, 'key');
    return mark(run, 'key', 'error', `${masked} is Inactive (IAM)`);
  }
  if (ageDays !== undefined && ageDays > opts.settings.maxKeyAgeDays) {
    add(run, {
      cause: 'inactive-key',
      severity: 'warn',
      message: `Access key ${masked} of user ${user} is ${ageDays} days old (over ${opts.settings.maxKeyAgeDays}): rotate it before a policy deactivates it.`,
      evidence: `iam:ListAccessKeys → created ${new Date(created).toISOString().slice(0, 10)}`,
      fix: `aws iam create-access-key --user-name ${user}  # then update the profile and: aws iam delete-access-key --user-name ${user} --access-key-id ${keyIdExpression(run.r)}`,
    }, 'key');
    return mark(run, 'key', 'warn', `${masked} Active, ${ageDays} days old`);
  }
  mark(run, 'key', 'ok', `${masked} Active (IAM)${ageDays !== undefined ? `, ${ageDays} days old` : ''}`);
}
