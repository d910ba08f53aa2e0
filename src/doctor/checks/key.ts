// Check — key format hygiene (length, prefix, stray quotes/CR, ASIA/AKIA vs session token). The
// model's findings carry the details; IAM status and age are added by iam.ts.
import type { TargetRun } from '../types.js';
import { settle } from './route.js';

export function keyCheck(run: TargetRun): void {
  const k = run.r.key;
  settle(run, 'key', k ? `${k.masked} (${k.klass === 'long-term' ? 'long-term AKIA' : k.klass === 'temporary' ? 'temporary ASIA' : k.klass}${run.r.hasSessionToken ? ', with session token' : ''})` : 'no static key in this source');
}
