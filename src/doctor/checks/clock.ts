// Check — the local clock against the STS endpoint's (its response `Date` header): SigV4
// requests more than 15 minutes off are refused (SignatureDoesNotMatch "Signature expired",
// RequestExpired). The STS answer itself is conclusive when it says so.
import { fixFor } from '../fixes.js';
import type { DoctorSettings, TargetRun } from '../types.js';
import { add, mark, settle } from './route.js';

export function clockCheck(run: TargetRun, settings: DoctorSettings): void {
  if (run.entry?.cause === 'clock-skew') {
    mark(run, 'clock', 'error', `STS refused the request time (${run.entry.errorCode})`);
    return;
  }
  const c = run.clock;
  if (!c) {
    if (run.findings.some((f) => f.check === 'clock')) settle(run, 'clock', '');
    else mark(run, 'clock', 'skip', 'not measured (no Date header from the STS endpoint)');
    return;
  }
  const skew = Math.round((c.localMs - c.serverMs) / 1000);
  const abs = Math.abs(skew);
  const human = `${abs}s ${skew > 0 ? 'ahead of' : 'behind'} the STS endpoint`;
  if (abs >= settings.clockWarnSeconds) {
    add(run, {
      cause: 'clock-skew',
      severity: abs >= settings.clockErrorSeconds ? 'error' : 'warn',
      message: `The local clock is ${human}: AWS refuses signatures more than 15 minutes off (SignatureDoesNotMatch "Signature expired" / RequestExpired).`,
      evidence: `local ${new Date(c.localMs).toISOString()}, STS Date ${new Date(c.serverMs).toUTCString()}`,
      fix: fixFor('clock-skew', run.r, run.target, {}, []),
    }, 'clock');
  }
  settle(run, 'clock', abs <= 1 ? 'in sync with the STS endpoint' : human);
}
