// The environment's default context as a doctor/check target (no Terraform files).
import type { Target } from './types.js';

export const ENVIRONMENT = 'environment';

export function environmentTarget(profile?: string): Target {
  return { address: ENVIRONMENT, kind: 'environment', resolve: profile ? { profile } : {}, unknowns: [], notes: [] };
}
