// doctor's orchestrator: Terraform config → targets → for each, the whole checklist.
import { redact } from '../core/mask.js';
import type { CliVar } from '../terraform/config.js';
import type { Context } from '../core/context.js';
import { openCacheFor, readEntry, type CoreSettings, type IdentityEntry } from '../core/identity.js';
import { resolveCredentials } from '../core/resolve.js';
import type { StaticCredentials } from '../core/sts.js';
import type { CacheStore } from '../core/cache.js';
import { serverTime } from './aws-query.js';
import { materialize } from './credentials.js';
import { accountCheck } from './checks/account.js';
import { assumeRoleCheck } from './checks/assume-role.js';
import { clockCheck } from './checks/clock.js';
import { envChecks } from './checks/env.js';
import { expiryCheck } from './checks/expiry.js';
import { iamCheck } from './checks/iam.js';
import { identityCheck } from './checks/identity.js';
import { keyCheck } from './checks/key.js';
import { profileCheck } from './checks/profile.js';
import { add, mark } from './checks/route.js';
import { sourceCheck } from './checks/source.js';
import { stsRegionCheck } from './checks/sts-region.js';
import { environmentTarget, targetsFromConfig } from './targets.js';
import { CHECK_ORDER, type DoctorFinding, type DoctorSettings, type Target, type TargetRun } from './types.js';

export interface DoctorOptions {
  dir: string;
  iam: boolean;
  /** --profile: diagnose this profile as a provider `profile` would (environment target only). */
  profile?: string;
  /** --var / --var-file: the -var and -var-file of the terraform command line to diagnose. */
  cliVars?: CliVar[];
  core: CoreSettings;
  doctor: DoctorSettings;
}

export interface TerraformSummary {
  files: string[];
  varFiles: string[];
  errors: Array<{ file: string; message: string }>;
  notes: Array<{ file: string; message: string }>;
}

export interface DoctorReport {
  dir: string;
  terraform: TerraformSummary | undefined;
  runs: TargetRun[];
  findings: DoctorFinding[];
}

export function hasTerraformFiles(ctx: Context, dir: string): boolean {
  return ctx.listDir(dir).some((f) => !f.startsWith('.') && (f.endsWith('.tf') || f.endsWith('.tf.json')));
}

export async function loadTargets(ctx: Context, dir: string, profile?: string, cliVars: CliVar[] = []): Promise<{ targets: Target[]; terraform: TerraformSummary | undefined }> {
  if (!hasTerraformFiles(ctx, dir)) return { targets: [environmentTarget(profile)], terraform: undefined };
  const { readTerraformConfig } = await import('../terraform/config.js');
  const cfg = await readTerraformConfig(dir, { readFile: ctx.readFile, listDir: ctx.listDir, env: ctx.env, cliVars });
  const targets = targetsFromConfig(cfg);
  return { targets: targets.length ? targets : [environmentTarget(profile)], terraform: { files: cfg.files, varFiles: cfg.varFiles, errors: cfg.errors, notes: cfg.notes } };
}

export async function diagnose(ctx: Context, opts: DoctorOptions): Promise<DoctorReport> {
  const { targets, terraform } = await loadTargets(ctx, opts.dir, opts.profile, opts.cliVars);
  const store = openCacheFor(ctx);
  const runs: TargetRun[] = [];
  const checked = new Map<string, IdentityEntry>(); // provider and backend often share a context: one STS call
  for (const t of targets) runs.push(await diagnoseTarget(ctx, t, opts, store, checked));
  const findings = runs.flatMap((r) => r.findings);
  const rank = { error: 0, warn: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { dir: opts.dir, terraform, runs, findings };
}

export async function diagnoseTarget(ctx: Context, target: Target, opts: DoctorOptions, store: CacheStore, checked: Map<string, IdentityEntry> = new Map()): Promise<TargetRun> {
  const r = await resolveCredentials(ctx, target.resolve);
  const run: TargetRun = { target, r, undetermined: target.unknowns.length > 0, findings: [], checks: {} };
  if (run.undetermined) {
    for (const u of target.unknowns) {
      const name = /\.([\w]+)$/.exec(u.attribute)?.[1] ?? u.attribute;
      add(run, {
        cause: 'config',
        severity: 'warn',
        message: `${u.attribute} = ${u.expression} cannot be known before terraform runs (${u.reason}); doctor does not guess it, so ${target.address} was not checked.`,
        evidence: u.attribute,
        fix: /^var\.\w+$/.test(u.expression) ? `give ${u.expression} a default, a value in terraform.tfvars, or export TF_VAR_${u.expression.slice(4)}=…; if you pass it with -var or -var-file, give doctor the same: --var ${u.expression.slice(4)}=… / --var-file FILE` : `make ${name} a literal or a variable with a known value`,
      }, 'source');
    }
    for (const id of CHECK_ORDER) if (!run.checks[id]) mark(run, id, 'skip', 'not checked: settings unknown');
    return run;
  }
  const prev = readEntry(store, r.contextKey);
  if (prev) run.prev = prev;

  const region = target.stsRegion ?? r.region ?? 'us-east-1';
  const stsUrl = r.stsEndpoint ?? `https://sts.${region}.amazonaws.com`;
  const probe = r.failsOffline
    ? Promise.resolve(undefined)
    : serverTime(stsUrl, opts.core.timeoutMs).then((serverMs) => (serverMs !== undefined ? { serverMs, localMs: ctx.now() } : undefined));
  const [, clock] = await Promise.all([identityCheck(ctx, run, opts.core, store, checked), probe]);
  if (clock) run.clock = clock;

  let creds: StaticCredentials | undefined;
  if (run.entry?.status === 'ok' && (opts.iam || target.assumeRole)) {
    try {
      creds = await materialize(ctx, r, target.staticCredentials, opts.core.timeoutMs);
    } catch (err) {
      mark(run, target.assumeRole ? 'assume-role' : 'key', 'skip', `credentials not obtained: ${redact((err as Error).message)}`);
    }
  }
  await Promise.all([
    iamCheck(ctx, run, creds, { enabled: opts.iam, timeoutMs: opts.core.timeoutMs, settings: opts.doctor }),
    assumeRoleCheck(run, creds, opts.core.timeoutMs),
  ]);
  await accountCheck(ctx, run, store);

  envChecks(run, ctx.env, ctx.now(), opts.doctor);
  stsRegionCheck(run, ctx.env);
  clockCheck(run, opts.doctor);
  sourceCheck(run);
  profileCheck(run);
  keyCheck(run);
  expiryCheck(run, ctx.now());
  mergeDuplicates(run);
  return run;
}

/**
 * The STS failure and the model's own finding often say the same thing (an AKIA key with a
 * leftover token): one finding, the model's (it names the variable), with the STS answer added.
 */
function mergeDuplicates(run: TargetRun): void {
  const sts = run.findings.find((f) => f.check === 'identity' && f.severity === 'error');
  if (!sts) return;
  for (const twin of run.findings.filter((f) => f !== sts && f.cause === sts.cause && f.fix === sts.fix)) {
    if (twin.severity === 'error' && run.findings.includes(sts)) {
      twin.evidence = [twin.evidence, `STS: ${run.entry?.errorCode ?? 'rejected'}`].filter(Boolean).join('; ');
      run.findings.splice(run.findings.indexOf(sts), 1);
    } else if (twin.severity !== 'error') {
      // a warning the failure confirms: the error says it all
      run.findings.splice(run.findings.indexOf(twin), 1);
    }
  }
}
