// Output of env-check: text for people, JSON for tools, and the line protocol the direnv
// library reads (never eval'ed: it dispatches on the first word and validates every name).
import type { Finding, Severity } from '../core/causes.js';
import { formatCountdown, kleur, renderFinding } from '../core/ui.js';
import type { EnvCheckResult } from './check.js';
import type { EnvFinding } from './types.js';

/** --strict: warnings are reported (and returned) as errors. */
export function applyStrict(findings: EnvFinding[], strict: boolean): EnvFinding[] {
  return strict ? findings.map((f) => (f.severity === 'warn' ? { ...f, severity: 'error' as Severity } : f)) : findings;
}

/** Findings that make the environment "not clean" (exit 1). */
export function blocking(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== 'info');
}

function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/**
 * The direnv protocol, one record per line, first word the kind:
 *   unset <NAME>       unset NAME for this directory (the library checks NAME against its allowlist)
 *   error <text>       log_error
 *   warn <text>        log_status
 *   status <text>      log_status
 * Nothing at all when all is well.
 */
export function formatShell(result: EnvCheckResult, findings: EnvFinding[]): string {
  const lines: string[] = [];
  for (const name of result.unset) lines.push(`unset ${name}`);
  for (const item of result.fixed) {
    lines.push(`status credguard: unset ${item.unset.join(' ')} for this directory [${item.cause}]; they come back when you leave it.`);
  }
  for (const f of findings) {
    if (f.severity === 'info' && f.rule === 'resolution') continue;
    const kind = f.severity === 'error' ? 'error' : f.severity === 'warn' ? 'warn' : 'status';
    lines.push(`${kind} credguard: ${f.cause}: ${oneLine(f.message)}`);
    if (f.evidence) lines.push(`${kind}   evidence: ${oneLine(f.evidence)}`);
    if (f.fix) lines.push(`${kind}   fix: ${oneLine(f.fix)}`);
  }
  return lines.join('\n');
}

export function formatJson(result: EnvCheckResult, findings: EnvFinding[], now: number, strict: boolean): object {
  const r = result.resolution;
  return {
    ok: blocking(findings).length === 0,
    strict,
    findings: findings.map((f) => ({
      rule: f.rule,
      cause: f.cause,
      severity: f.severity,
      message: f.message,
      evidence: f.evidence ?? null,
      fix: f.fix ?? null,
      file: f.file ?? null,
      unset: f.unset ?? [],
    })),
    fixed: result.fixed,
    unset: result.unset,
    context: {
      source: r.source,
      profile: r.profile ?? null,
      shadowedProfile: r.shadowedProfile ?? null,
      accessKeyId: r.key?.masked ?? null,
      account: result.account?.account ?? null,
      accountFrom: result.account?.from ?? null,
      region: r.region ?? null,
      regionSource: r.regionSource ?? null,
      expiresAt: r.expiry ? new Date(r.expiry.at).toISOString() : null,
      expiresInSeconds: r.expiry ? Math.floor((r.expiry.at - now) / 1000) : null,
    },
  };
}

export function formatText(result: EnvCheckResult, findings: EnvFinding[], now: number): string {
  const lines: string[] = [];
  for (const item of result.fixed) {
    lines.push(`${kleur.green('~')} unset ${item.unset.join(' ')} ${kleur.dim(`[${item.cause}: ${item.message}]`)}`);
  }
  if (result.fixed.length) {
    lines.push(kleur.dim(`  (env-check cannot change this shell: run ${kleur.cyan(`unset ${result.unset.join(' ')}`)}, or use 'use credguard --fix' in .envrc)`));
  }
  if (!blocking(findings).length) lines.push(`${kleur.green('✓')} ${summary(result, now)}`);
  for (const f of findings) lines.push(renderFinding(f));
  return lines.join('\n');
}

function summary(result: EnvCheckResult, now: number): string {
  const r = result.resolution;
  const parts: string[] = [];
  if (r.source === 'profile') parts.push(`profile ${r.profile ?? '?'}`);
  else if (r.source === 'env') parts.push(`environment keys ${r.key?.masked ?? ''}`.trim());
  else parts.push(r.source);
  if (result.account) parts.push(`account ${result.account.account}`);
  if (r.region) parts.push(r.region);
  if (r.expiry) parts.push(`expires in ${formatCountdown((r.expiry.at - now) / 1000)}`);
  return `AWS environment OK for Terraform: ${parts.join(', ')}`;
}
