// Check — the profile exists and its chain (source_profile → … → keys / SSO / process) is valid.
import type { TargetRun } from '../types.js';
import { settle } from './route.js';

export function profileCheck(run: TargetRun): void {
  const { r } = run;
  if (r.source !== 'profile') {
    settle(run, 'profile', r.shadowedProfile ? `not used (env keys shadow profile ${r.shadowedProfile})` : `not used (${r.source})`);
    return;
  }
  const chain = r.chain.map((l) => `${l.name} (${l.kind})`).join(' → ');
  settle(run, 'profile', chain || `profile ${r.profile ?? '?'}`);
}
