// Check — the provider's assume_role step: STS AssumeRole (through the AWS SDK, at the same STS
// endpoint and Region Terraform uses) with the resolved credentials. On success the assumed
// account is the one allowed_account_ids is checked against, as in Terraform.
import { redact } from '../../core/mask.js';
import type { Context } from '../../core/context.js';
import type { StaticCredentials } from '../../core/sts.js';
import { classifyStsError } from '../../core/classify.js';
import { blockName, fixFor } from '../fixes.js';
import type { TargetRun } from '../types.js';
import { accountFromRoleArn } from './account.js';
import { add, mark } from './route.js';

export async function assumeRoleCheck(ctx: Context, run: TargetRun, creds: StaticCredentials | undefined, timeoutMs: number): Promise<void> {
  const t = run.target;
  const spec = t.assumeRole;
  if (!spec) {
    const unknown = t.unknowns.find((u) => u.attribute.includes('assume_role'));
    mark(run, 'assume-role', 'skip', unknown ? `role_arn unknown (${unknown.expression})` : 'no assume_role configured');
    return;
  }
  if (run.entry?.status !== 'ok' || !creds) {
    mark(run, 'assume-role', 'skip', `not tried: the base credentials do not work (${spec.roleArn})`);
    return;
  }
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const region = t.stsRegion ?? run.r.region ?? 'us-east-1';
  const client = new STSClient({ region, credentials: creds, maxAttempts: 1, ...(run.r.stsEndpoint ? { endpoint: run.r.stsEndpoint } : {}), requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } });
  const where = `${blockName(t)}${t.file ? ` (${t.file})` : ''}`;
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: spec.roleArn,
        RoleSessionName: spec.sessionName ?? 'credguard-doctor',
        ...(spec.externalId ? { ExternalId: spec.externalId } : {}),
        ...(spec.durationSeconds ? { DurationSeconds: spec.durationSeconds } : {}),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    const arn = out.AssumedRoleUser?.Arn;
    const account = (arn ? /^arn:[^:]+:sts::(\d{12}):/.exec(arn)?.[1] : undefined) ?? accountFromRoleArn(spec.roleArn);
    run.assumed = { ...(account ? { account } : {}), ...(arn ? { arn } : {}) };
    if (account) {
      run.account = account;
      run.accountFrom = `assume_role ${spec.roleArn}`;
    }
    mark(run, 'assume-role', 'ok', `${arn ?? spec.roleArn}${t.assumeRoleHops ? ` (first of ${t.assumeRoleHops} hops)` : ''}`);
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = e.$metadata?.httpStatusCode ? (e.Code ?? e.name ?? 'Error') : e.name === 'TimeoutError' || e.name === 'AbortError' ? 'Timeout' : (e.name ?? 'NetworkError');
    const c = classifyStsError(code, e.message ?? '', run.r);
    const denied = code === 'AccessDenied';
    add(run, {
      cause: c.cause ?? 'wrong-profile',
      severity: 'error',
      message: `The assume_role step fails: AssumeRole ${spec.roleArn} → ${code}: ${redact(e.message ?? '')}`.trim(),
      evidence: `caller ${run.entry.arn ?? '?'}, role ${spec.roleArn}${spec.externalId ? ', with external_id' : ''}`,
      fix: denied
        ? `let ${run.entry.arn ?? 'the caller'} assume ${spec.roleArn} (the role's trust policy and the caller's sts:AssumeRole permission), or fix assume_role.role_arn in ${where}`
        : fixFor(c.cause, run.r, t),
    }, 'assume-role');
    mark(run, 'assume-role', 'error', `AssumeRole ${spec.roleArn}: ${code}`);
  } finally {
    client.destroy();
  }
}
