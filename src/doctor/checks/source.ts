// Check — the credential source in effect and why (the `aws configure list` of Terraform's
// precedence). The steps themselves are the resolution trace, printed with --verbose.
import type { TargetRun } from '../types.js';
import { sourceLabel } from './identity.js';
import { mark, settle } from './route.js';

export function sourceCheck(run: TargetRun): void {
  const { r } = run;
  if (r.source === 'none') mark(run, 'source', 'error', 'no credential source');
  settle(run, 'source', sourceLabel(r));
}
