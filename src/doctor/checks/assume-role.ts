// Check — the provider's assume_role step: STS AssumeRole (through the AWS SDK, at the same STS
// endpoint and Region Terraform uses) with the resolved credentials, and for role chaining
// (several assume_role blocks) each next role with the credentials of the one before, as
// Terraform does. On success the last assumed account is the one allowed_account_ids is
// checked against, as in Terraform. The assumed credentials stay in memory.
import { redact } from '../../core/mask.js';
import type { FindingCause } from '../../core/causes.js';
import type { StaticCredentials } from '../../core/sts.js';
import { classifyStsError } from '../../core/classify.js';
import { blockName, fixFor } from '../fixes.js';
import type { AssumeRoleSpec, TargetRun } from '../types.js';
import { accountFromRoleArn } from './account.js';
import { add, mark } from './route.js';

export async function assumeRoleCheck(run: TargetRun, creds: StaticCredentials | undefined, timeoutMs: number): Promise<void> {
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
  const where = `${blockName(t)}${t.file ? ` (${t.file})` : ''}`;
  const hops = [spec, ...(t.assumeRoleChain ?? [])];
  let credentials: StaticCredentials = creds;
  let caller = run.entry.arn;
  for (const [i, hop] of hops.entries()) {
    const step = hops.length > 1 ? ` (hop ${i + 1} of ${hops.length})` : '';
    const client = new STSClient({ region, credentials, maxAttempts: 1, ...(run.r.stsEndpoint ? { endpoint: run.r.stsEndpoint } : {}), requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } });
    try {
      const out = await client.send(
        new AssumeRoleCommand({
          RoleArn: hop.roleArn,
          RoleSessionName: hop.sessionName ?? 'credguard-doctor',
          ...(hop.externalId ? { ExternalId: hop.externalId } : {}),
          ...(hop.durationSeconds ? { DurationSeconds: hop.durationSeconds } : {}),
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      const arn = out.AssumedRoleUser?.Arn;
      const c = out.Credentials;
      if (i < hops.length - 1) {
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error(`AssumeRole ${hop.roleArn} returned no credentials`), { name: 'NoCredentials' });
        credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
        caller = arn ?? hop.roleArn;
        continue;
      }
      const account = (arn ? /^arn:[^:]+:sts::(\d{12}):/.exec(arn)?.[1] : undefined) ?? accountFromRoleArn(hop.roleArn);
      run.assumed = { ...(account ? { account } : {}), ...(arn ? { arn } : {}) };
      const chain = hops.length > 1 ? ` (${hops.length} hops: ${hops.map((h) => h.roleArn).join(' → ')})` : '';
      if (t.assumeRoleIncomplete) {
        // the role after this one is unknown: so is the account Terraform ends up in
        delete run.account;
        mark(run, 'assume-role', 'ok', `${arn ?? hop.roleArn}${chain}; the next role_arn is unknown, not tried`);
        return;
      }
      if (account) {
        run.account = account;
        run.accountFrom = `assume_role ${hop.roleArn}`;
      }
      mark(run, 'assume-role', 'ok', `${arn ?? hop.roleArn}${chain}`);
    } catch (err) {
      failed(run, err, hop, i, step, caller, where);
      return;
    } finally {
      client.destroy();
    }
  }
}

const NETWORK = /^(Timeout|TimeoutError|AbortError|NetworkError|ECONN\w*|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;

function failed(run: TargetRun, err: unknown, hop: AssumeRoleSpec, hopIndex: number, step: string, caller: string | undefined, where: string): void {
  const e = err as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.$metadata?.httpStatusCode ? (e.Code ?? e.name ?? 'Error') : e.name === 'TimeoutError' || e.name === 'AbortError' ? 'Timeout' : (e.code ?? e.name ?? 'NetworkError');
  const message = redact(e.message ?? '');
  const block = `assume_role block ${hopIndex + 1} of ${where}`;
  const finding = ((): { cause: FindingCause; fix: string } => {
    if (NETWORK.test(code)) return { cause: 'network', fix: run.r.stsEndpoint ? `check that ${run.r.stsEndpoint} is reachable, or fix endpoints.sts` : 'check the network, proxy (HTTPS_PROXY) and DNS for the STS endpoint' };
    if (code === 'AccessDenied') return { cause: 'wrong-profile', fix: `let ${caller ?? 'the caller'} assume ${hop.roleArn} (the role's trust policy and the caller's sts:AssumeRole permission), or fix role_arn in ${block}` };
    if (code === 'NoCredentials') return { cause: 'wrong-profile', fix: `the STS endpoint answered AssumeRole without credentials: check endpoints.sts in ${where}` };
    if (code === 'ValidationError' && /DurationSeconds/i.test(message)) {
      return { cause: 'wrong-profile', fix: `lower duration in ${block}${hopIndex > 0 ? ' to 1h or less (role chaining caps sessions at 1 hour)' : " or raise the role's maximum session duration"}` };
    }
    // the first hop is signed with the resolved credentials: the usual credential diagnosis applies
    if (hopIndex === 0) {
      const c = classifyStsError(code, message, run.r);
      if (c.cause) return { cause: c.cause, fix: fixFor(c.cause, run.r, run.target) };
    }
    return { cause: 'wrong-profile', fix: `fix ${block} (STS says ${code})` };
  })();
  add(run, {
    cause: finding.cause,
    severity: 'error',
    message: `The assume_role step fails${step}: AssumeRole ${hop.roleArn} → ${code}${message ? `: ${message}` : ''}${finding.cause === 'network' ? ' (STS did not answer; the credentials were not judged)' : ''}`,
    evidence: `caller ${caller ?? '?'}, role ${hop.roleArn}${hop.externalId ? ', with external_id' : ''}`,
    fix: finding.fix,
  }, 'assume-role');
  mark(run, 'assume-role', 'error', `AssumeRole ${hop.roleArn}${step}: ${code}`);
}
