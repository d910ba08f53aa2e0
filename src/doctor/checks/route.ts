// Which row of the checklist a finding belongs to, and how a row's status follows from its findings.
import type { Finding, FindingCause } from '../../core/causes.js';
import { CHECKS, type CheckId, type CheckStatus, type DoctorFinding, type TargetRun } from '../types.js';

export function checkOf(cause: FindingCause): CheckId {
  switch (cause) {
    case 'env-override':
      return 'env';
    case 'missing-profile':
    case 'no-credentials':
    case 'config':
      return 'profile';
    case 'wrong-credentials':
    case 'inactive-key':
      return 'key';
    case 'expired-credentials':
      return 'expiry';
    case 'sts-region':
      return 'region';
    case 'clock-skew':
      return 'clock';
    case 'wrong-profile':
      return 'source';
    case 'network':
      return 'identity';
  }
}

export function add(run: TargetRun, f: Finding, check: CheckId = checkOf(f.cause)): DoctorFinding {
  const d: DoctorFinding = { ...f, target: run.target.address, check };
  const dup = run.findings.find((g) => g.cause === d.cause && g.message === d.message);
  if (dup) return dup;
  run.findings.push(d);
  return d;
}

const RANK: Record<CheckStatus, number> = { error: 0, warn: 1, ok: 2, skip: 3 };

/** Set a row; a worse status never gets overwritten by a better one. */
export function mark(run: TargetRun, id: CheckId, status: CheckStatus, detail: string): void {
  const prev = run.checks[id];
  if (prev && RANK[prev.status] <= RANK[status] && prev.status !== 'skip') return;
  run.checks[id] = { id, title: CHECKS[id], status, detail };
}

/** Rows nobody marked get their status from their findings (or ok). */
export function settle(run: TargetRun, id: CheckId, okDetail: string): void {
  const mine = run.findings.filter((f) => f.check === id);
  const worst = mine.find((f) => f.severity === 'error') ?? mine.find((f) => f.severity === 'warn');
  if (worst) mark(run, id, worst.severity === 'error' ? 'error' : 'warn', firstSentence(worst.message));
  else if (!run.checks[id]) mark(run, id, 'ok', okDetail);
}

export function firstSentence(s: string): string {
  const m = /^(.*?[.:])(\s|$)/.exec(s);
  const one = m?.[1] ?? s;
  return one.length > 110 ? `${one.slice(0, 107)}…` : one;
}
