// Check — a region is set, and STS is called where the credentials are valid: an opt-in Region
// (regions.ts) without `sts_region`, or the global endpoint's v1 tokens in an opt-in Region.
import type { Env } from '../../core/context.js';
import { blockName, fixFor } from '../fixes.js';
import { DEFAULT_STS_REGION, isOptInRegion } from '../regions.js';
import type { TargetRun } from '../types.js';
import { add, mark, settle } from './route.js';

const GLOBAL_STS = /^https?:\/\/sts\.amazonaws\.com\/?$/i;

export function stsRegionCheck(run: TargetRun, env: Env): void {
  const { r, target: t } = run;
  if (!r.region) {
    add(run, {
      cause: 'sts-region',
      severity: 'error',
      message: 'No region is set: Terraform stops with "invalid AWS Region" before it authenticates.',
      evidence: 'provider region, AWS_REGION, AWS_DEFAULT_REGION and the profile region are all unset',
      fix: t.kind === 'environment' ? 'export AWS_REGION=us-east-1' : `export AWS_REGION=us-east-1  # or set region in ${blockName(t)}`,
    }, 'region');
    mark(run, 'region', 'error', 'no region');
    return;
  }
  const stsRegion = t.stsRegion ?? r.region;
  const where = `${r.region} (${r.regionSource ?? '?'})${t.stsRegion ? `, sts_region ${t.stsRegion}` : ''}`;
  const globalEndpoint = (r.stsEndpoint !== undefined && GLOBAL_STS.test(r.stsEndpoint)) || (!r.stsEndpoint && (env['AWS_STS_REGIONAL_ENDPOINTS'] ?? '').toLowerCase() === 'legacy');
  if (globalEndpoint && isOptInRegion(r.region)) {
    add(run, {
      cause: 'sts-region',
      severity: 'warn',
      message: `STS is called at the global endpoint, whose session tokens are version 1 by default and valid only in Regions enabled by default; ${r.region} is an opt-in Region, so assumed-role credentials fail there with InvalidClientTokenId.`,
      evidence: `${r.stsEndpoint ? `endpoints.sts = ${r.stsEndpoint}` : 'AWS_STS_REGIONAL_ENDPOINTS=legacy'}, region ${r.region}`,
      fix: `add sts_region = "${r.region}" to ${blockName(t)}${t.file ? ` in ${t.file}` : ''} (a regional endpoint)  # or: aws iam set-security-token-service-preferences --global-endpoint-token-version v2Token`,
    }, 'region');
  } else if (isOptInRegion(stsRegion) && !t.stsRegion && t.kind !== 'environment') {
    add(run, {
      cause: 'sts-region',
      severity: 'warn',
      message: `${stsRegion} is an opt-in Region and Terraform calls STS there: if the Region is not enabled for the account, every call fails with InvalidClientTokenId.`,
      evidence: `region ${where}`,
      fix: fixFor('sts-region', r, t, {}, []),
    }, 'region');
  } else if (isOptInRegion(stsRegion) && t.kind === 'environment') {
    add(run, {
      cause: 'sts-region',
      severity: 'info',
      message: `${stsRegion} is an opt-in Region: STS there rejects credentials of accounts that have not enabled it (set sts_region = "${DEFAULT_STS_REGION}" in the provider).`,
      evidence: `region ${where}`,
    }, 'region');
  }
  settle(run, 'region', `${where}; STS in ${stsRegion}${isOptInRegion(stsRegion) ? ' (opt-in)' : ''}`);
}
