// Check — expiry of every credential in the chain (env session, file session, SSO token, CLI cache).
import { formatCountdown } from '../../core/ui.js';
import type { TargetRun } from '../types.js';
import { settle } from './route.js';

export function expiryCheck(run: TargetRun, now: number): void {
  const { r } = run;
  if (!r.expiries.length) {
    settle(run, 'expiry', r.source === 'profile' && r.chain.some((l) => l.kind === 'static') && !r.hasSessionToken ? 'long-term keys (no expiry)' : 'no expiry known');
    return;
  }
  const parts = r.expiries.map((e) => `${formatCountdown((e.at - now) / 1000)}${e.refreshable ? ' (refreshable)' : ''}`);
  settle(run, 'expiry', `expires in ${parts.join(', ')}`);
}
