// Check — no stale env vars (and every other offline finding of the credential model): env-check's
// rule list (DESIGN.md's one sanctioned sideways edge) run on this target's resolution. Each
// finding lands in its row of the checklist by cause.
import { envCheckRules, runEnvRules } from '../../envcheck/rules.js';
import type { DoctorSettings, TargetRun } from '../types.js';
import { add, settle } from './route.js';

export function envChecks(run: TargetRun, env: Readonly<Record<string, string | undefined>>, now: number, settings: DoctorSettings): void {
  const findings = runEnvRules({ env, now, actual: run.r, options: { expiringMinutes: settings.expiringMinutes } }, envCheckRules());
  for (const f of findings) {
    const { rule: _rule, unset: _unset, ...plain } = f;
    add(run, plain);
  }
  const set = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'].filter((n) => env[n]);
  settle(run, 'env', set.length ? `set: ${set.join(', ')}; none stale or shadowing` : 'no AWS credential variables set');
}
