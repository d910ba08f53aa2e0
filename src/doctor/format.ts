// doctor's output: the checklist table per target, then findings with fixes; or JSON (schema in
// the README, `version: 1`).
import { formatCountdown, kleur, renderFinding } from '../core/ui.js';
import type { DoctorReport } from './run.js';
import { sourceLabel } from './checks/identity.js';
import { CHECK_ORDER, type CheckStatus, type TargetRun } from './types.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', error: '✗', skip: '-' };
const PAINT: Record<CheckStatus, (s: string) => string> = { ok: (s) => kleur.green(s), warn: (s) => kleur.yellow(s), error: (s) => kleur.red(s), skip: (s) => kleur.dim(s) };

export function exitCode(report: DoctorReport): number {
  if (report.terraform?.errors.length) return 2;
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

export function formatText(report: DoctorReport, opts: { verbose: boolean; now: number }): string {
  const lines: string[] = [];
  const tf = report.terraform;
  lines.push(kleur.bold(`credguard doctor — ${report.dir}`) + kleur.dim(tf ? `  (${tf.files.length} Terraform file${tf.files.length === 1 ? '' : 's'}${tf.varFiles.length ? `, ${tf.varFiles.join(', ')}` : ''})` : '  (no Terraform files: the environment\'s default context)'));
  for (const e of tf?.errors ?? []) lines.push(kleur.red(`✗ ${e.message}`));
  for (const run of report.runs) {
    lines.push('', header(run, opts.now));
    const width = Math.max(...CHECK_ORDER.map((id) => (run.checks[id]?.title ?? '').length));
    for (const id of CHECK_ORDER) {
      const c = run.checks[id];
      if (!c) continue;
      lines.push(`  ${PAINT[c.status](MARK[c.status])} ${c.title.padEnd(width)}  ${c.status === 'skip' ? kleur.dim(c.detail) : c.detail}`);
    }
    for (const n of run.target.notes) lines.push(kleur.dim(`  note: ${n}`));
    if (opts.verbose) {
      lines.push(kleur.dim('  resolution:'));
      for (const step of run.r.trace) lines.push(kleur.dim(`    ↳ ${step}`));
      lines.push(kleur.dim(`    ↳ files: ${run.r.files.configPath}, ${run.r.files.credentialsPath}`));
      lines.push(kleur.dim(`    ↳ region ${run.r.region ?? '(none)'}${run.r.regionSource ? ` from ${run.r.regionSource}` : ''}; STS ${run.r.stsEndpoint ?? 'default endpoint'}`));
      for (const f of run.findings.filter((x) => x.severity === 'info')) lines.push(kleur.dim(`    i ${f.message}`));
    }
  }
  const shown = report.findings.filter((f) => f.severity !== 'info');
  lines.push('');
  if (!shown.length) {
    lines.push(kleur.green('✓ No problems found: Terraform should authenticate.'));
  } else {
    lines.push(kleur.bold(`Findings (${shown.length})`));
    for (const f of shown) lines.push(renderFinding(f, report.runs.length > 1 ? kleur.dim(`[${f.target}] `) : ""));
  }
  return lines.join('\n');
}

function header(run: TargetRun, now: number): string {
  const t = run.target;
  const where = t.file ? kleur.dim(` (${t.file})`) : '';
  const name = t.kind === 'provider' ? `provider ${t.address === 'aws' ? '"aws"' : `"aws" alias ${t.address.slice(4)}`}` : t.kind === 'backend' ? 'backend "s3"' : 'environment (default context)';
  const who = run.entry?.status === 'ok' ? ` → ${run.assumed?.arn ?? run.entry.arn ?? ''}` : '';
  const exp = run.r.expiry ? `, expires in ${formatCountdown((run.r.expiry.at - now) / 1000)}` : '';
  return `${kleur.bold(name)}${where}: ${sourceLabel(run.r)}${run.r.region ? `, ${run.r.region}` : ''}${exp}${who}`;
}

export function formatJson(report: DoctorReport, now: number): object {
  const main = report.runs.find((r) => r.target.address === 'aws') ?? report.runs[0];
  return {
    version: 1,
    dir: report.dir,
    ok: exitCode(report) === 0,
    exitCode: exitCode(report),
    identity: main ? identityJson(main) : null,
    checks: report.runs.flatMap((run) => CHECK_ORDER.flatMap((id) => {
      const c = run.checks[id];
      return c ? [{ target: run.target.address, id, title: c.title, status: c.status, detail: c.detail }] : [];
    })),
    findings: report.findings.map((f) => ({ target: f.target, check: f.check, cause: f.cause, severity: f.severity, message: f.message, evidence: f.evidence ?? null, fix: f.fix ?? null, file: f.file ?? null })),
    providers: report.runs.map((run) => ({
      address: run.target.address,
      kind: run.target.kind,
      file: run.target.file ?? null,
      source: run.r.source,
      profile: run.r.profile ?? null,
      profileOrigin: run.r.profileOrigin ?? null,
      shadowedProfile: run.r.shadowedProfile ?? null,
      accessKeyId: run.r.key?.masked ?? null,
      region: run.r.region ?? null,
      regionSource: run.r.regionSource ?? null,
      stsRegion: run.target.stsRegion ?? null,
      stsEndpoint: run.r.stsEndpoint ?? null,
      expiry: run.r.expiry ? { at: new Date(run.r.expiry.at).toISOString(), inSeconds: Math.floor((run.r.expiry.at - now) / 1000), source: run.r.expiry.source, refreshable: run.r.expiry.refreshable } : null,
      chain: run.r.chain.map((l) => ({ profile: l.name, kind: l.kind, roleArn: l.roleArn ?? null })),
      assumeRole: run.target.assumeRole ? { roleArn: run.target.assumeRole.roleArn, hops: [run.target.assumeRole, ...(run.target.assumeRoleChain ?? [])].map((h) => h.roleArn), assumedArn: run.assumed?.arn ?? null } : null,
      allowedAccountIds: run.target.allowedAccountIds ?? null,
      forbiddenAccountIds: run.target.forbiddenAccountIds ?? null,
      account: run.account ?? null,
      identity: identityJson(run),
      checks: CHECK_ORDER.flatMap((id) => (run.checks[id] ? [{ id, status: run.checks[id]?.status, detail: run.checks[id]?.detail }] : [])),
      unknowns: run.target.unknowns,
      notes: run.target.notes,
      trace: run.r.trace,
    })),
    terraform: report.terraform ?? null,
  };
}

function identityJson(run: TargetRun): object {
  const e = run.entry;
  if (!e) return { status: run.undetermined ? 'unknown' : 'none', cause: null, account: null, arn: null, userId: null, errorCode: null, errorMessage: null };
  return { status: e.status, cause: e.cause ?? null, account: e.account ?? null, arn: e.arn ?? null, userId: e.userId ?? null, errorCode: e.errorCode ?? null, errorMessage: e.errorMessage ?? null };
}
