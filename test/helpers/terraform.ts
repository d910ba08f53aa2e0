// Real `terraform` with the AWS provider from a local filesystem mirror (no network).
//
//   const skip = needsTerraform('moto');
//   const ws = await tfWorkspace({ 'main.tf': awsProviderHcl({ endpoint: moto.endpoint }) + CALLER_IDENTITY_HCL });
//   const r = await terraformPlan(ws.dir, tfEnv(home, { AWS_ACCESS_KEY_ID: … }));
//   assert.equal(r.code, 0, r.stderr);
//   await ws.cleanup();
//
// Mirror: $CREDGUARD_TF_PROVIDER_MIRROR, else the first of a few known places (/opt/tf-plugins on
// these machines) holding registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/terraform-provider-aws_*,
// else a bounded `find`. A CLI config pointing at it is written once per process and exported
// to terraform through TF_CLI_CONFIG_FILE (tfEnv does that).
//
// Speed: `terraform init` against the mirror costs ~2.5 s (it hashes the 700 MB provider for
// the lock file), so one template directory is initialised per process and every workspace
// gets a copy of its `.terraform` (a symlink into the mirror) and `.terraform.lock.hcl`.
// A `terraform plan` that configures the provider costs ~8–9 s regardless (terraform starts the
// provider three times: schema, validate, plan) and ~6 s of CPU (with GOGC=400, set below);
// on a 2-CPU box run at most 2 plans at once, and fold cases into one plan with aliased
// providers where the question is per-provider (see providerErrors).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdtempSync, writeFileSync, rmSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { needs, REQUIRE_INTEGRATION } from './integration.js';
import { baseEnv } from './cli.js';

export const AWS_PROVIDER_ADDR = 'registry.terraform.io/hashicorp/aws';

export interface ProviderMirror {
  /** the directory to give `filesystem_mirror { path = … }` */
  dir: string;
  /** the AWS provider version found there (highest, if several) */
  version: string;
}

export function platformDir(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The mirrored AWS provider version under `dir`, or undefined when `dir` is not such a mirror. */
export function mirrorVersion(dir: string): string | undefined {
  const base = join(dir, AWS_PROVIDER_ADDR);
  let versions: string[];
  try {
    versions = readdirSync(base);
  } catch {
    return undefined;
  }
  const ok = versions.filter((v) => {
    try {
      return readdirSync(join(base, v, platformDir())).some((f) => f.startsWith('terraform-provider-aws_'));
    } catch {
      return false;
    }
  });
  return ok.sort(compareVersions).pop();
}

let mirrorMemo: { mirror?: ProviderMirror; error?: string } | undefined;

/** Locate the provider mirror. Returns an error string instead of throwing. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): { mirror?: ProviderMirror; error?: string } {
  if (mirrorMemo && env === process.env) return mirrorMemo;
  const result = ((): { mirror?: ProviderMirror; error?: string } => {
    const override = env['CREDGUARD_TF_PROVIDER_MIRROR'];
    if (override) {
      const version = mirrorVersion(override);
      return version
        ? { mirror: { dir: override, version } }
        : { error: `CREDGUARD_TF_PROVIDER_MIRROR=${override} holds no ${AWS_PROVIDER_ADDR}/<version>/${platformDir()}/terraform-provider-aws_*` };
    }
    const home = env['HOME'] ?? homedir();
    const candidates = [
      '/opt/tf-plugins',
      join(home, '.terraform.d', 'plugins'),
      join(home, '.local', 'share', 'terraform', 'plugins'),
      '/usr/local/share/terraform/plugins',
      '/usr/share/terraform/plugins',
      '/opt/terraform/plugins',
    ];
    for (const dir of candidates) {
      const version = mirrorVersion(dir);
      if (version) return { mirror: { dir, version } };
    }
    // Bounded search, as a last resort.
    const roots = ['/opt', '/usr/local', '/usr/share', '/srv', home].filter((d) => existsSync(d));
    const f = spawnSync('find', [...roots, '-maxdepth', '8', '-type', 'f', '-path', `*/${AWS_PROVIDER_ADDR}/*/${platformDir()}/terraform-provider-aws_*`], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    for (const line of (f.stdout ?? '').split('\n').filter(Boolean)) {
      const idx = line.indexOf(`/${AWS_PROVIDER_ADDR}/`);
      const dir = line.slice(0, idx);
      const version = mirrorVersion(dir);
      if (version) return { mirror: { dir, version } };
    }
    return { error: `no AWS provider mirror found (set CREDGUARD_TF_PROVIDER_MIRROR to a directory holding ${AWS_PROVIDER_ADDR}/<version>/${platformDir()})` };
  })();
  if (env === process.env) mirrorMemo = result;
  return result;
}

/**
 * Skip reason (or false) for tests that run real terraform (plus any other tools, e.g. 'moto').
 * With CREDGUARD_REQUIRE_INTEGRATION=1 a missing tool or mirror throws instead.
 */
export function needsTerraform(...moreTools: string[]): false | string {
  const missing = needs('terraform', ...moreTools);
  if (missing) return missing;
  const { error } = findProviderMirror();
  if (!error) return false;
  if (REQUIRE_INTEGRATION) throw new Error(`CREDGUARD_REQUIRE_INTEGRATION=1 but ${error}`);
  return error;
}

function mustMirror(): ProviderMirror {
  const { mirror, error } = findProviderMirror();
  if (!mirror) throw new Error(error);
  return mirror;
}

const scratch: string[] = [];
let exitHook = false;
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      if (process.env['CREDGUARD_KEEP_TF'] === '1') return;
      for (const s of scratch) rmSync(s, { recursive: true, force: true });
    });
  }
  return d;
}

let cliConfigPath: string | undefined;

/** Path of a CLI config file that installs hashicorp/aws from the mirror and nothing from the network. */
export function terraformCliConfig(): string {
  if (cliConfigPath) return cliConfigPath;
  const mirror = mustMirror();
  const dir = tempDir('credguard-tfrc-');
  const p = join(dir, 'terraform.rc');
  writeFileSync(
    p,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror.dir)}
    include = [${JSON.stringify(AWS_PROVIDER_ADDR)}]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`,
  );
  cliConfigPath = p;
  return p;
}

/**
 * Environment for terraform (and for credguard in the same test): PATH, HOME, NO_COLOR, the CLI
 * config, TF_IN_AUTOMATION=1, no checkpoint calls, no IMDS probing; TF_PLUGIN_CACHE_DIR is not set.
 * Nothing from the test process's AWS_* leaks in — pass what the case needs in `extra`.
 */
export function tfEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return baseEnv(home, {
    TF_CLI_CONFIG_FILE: terraformCliConfig(),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
}

export function requiredProvidersHcl(version: string = mustMirror().version): string {
  return `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "${version}"
    }
  }
}
`;
}

/**
 * A `provider "aws"` block for a local endpoint (moto proxy or STS stub). `extra` is pasted inside
 * the block verbatim (e.g. `profile = "prod"`, `allowed_account_ids = ["111111111111"]`).
 * Minimal set that makes plan really call STS GetCallerIdentity at the endpoint: endpoints.sts
 * (+ iam, for the account-id fallback and doctor's IAM checks); credentials validation and
 * account-id lookup stay ON (their defaults) — that is the call that fails with InvalidClientTokenId.
 */
export function awsProviderHcl(opts: { endpoint?: string; region?: string; alias?: string; extra?: string } = {}): string {
  const lines = ['provider "aws" {'];
  if (opts.alias) lines.push(`  alias  = ${JSON.stringify(opts.alias)}`);
  lines.push(`  region = ${JSON.stringify(opts.region ?? 'us-east-1')}`);
  if (opts.endpoint) {
    lines.push('  endpoints {', `    sts = ${JSON.stringify(opts.endpoint)}`, `    iam = ${JSON.stringify(opts.endpoint)}`, '  }');
  }
  if (opts.extra) lines.push(...opts.extra.split('\n').map((l) => `  ${l}`));
  lines.push('}', '');
  return lines.join('\n');
}

export const CALLER_IDENTITY_HCL = `data "aws_caller_identity" "me" {}

output "account_id" {
  value = data.aws_caller_identity.me.account_id
}
`;

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runTerraform(dir: string, args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<TfResult> {
  const t0 = Date.now();
  const e = { ...env };
  delete e['TF_PLUGIN_CACHE_DIR'];
  e['TF_IN_AUTOMATION'] = '1';
  // Go GC tuning only: cuts the provider's CPU time by ~40 % (10 s → 6 s user per plan on a
  // 2-CPU box) at ~150 MB more RSS. Behaviour is unchanged.
  e['GOGC'] ??= '400';
  e['TF_CLI_CONFIG_FILE'] ??= terraformCliConfig();
  return new Promise((resolve) => {
    const child = spawn('terraform', args, { cwd: dir, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[credguard test harness] terraform ${args[0]} timed out after ${timeoutMs} ms; killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(err), ms: Date.now() - t0 });
    });
  });
}

/** `terraform init` (with the mirror-only CLI config). `backend: false` skips backend initialisation. */
export function terraformInit(dir: string, env: Record<string, string>, opts: { backend?: boolean } = {}): Promise<TfResult> {
  return runTerraform(dir, ['init', '-input=false', '-no-color', ...(opts.backend === false ? ['-backend=false'] : [])], env);
}

export function terraformPlan(dir: string, env: Record<string, string>, extraArgs: string[] = []): Promise<TfResult> {
  return runTerraform(dir, ['plan', '-input=false', '-no-color', '-lock=false', ...extraArgs], env);
}

let template: Promise<string> | undefined;

/** One initialised directory per process; workspaces copy its .terraform + lock file. */
function initialisedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = tempDir('credguard-tf-template-');
    writeFileSync(join(dir, 'versions.tf'), requiredProvidersHcl());
    const r = await terraformInit(dir, tfEnv(dir), { backend: false });
    if (r.code !== 0) throw new Error(`terraform init (template) failed:\n${r.stdout}\n${r.stderr}`);
    return dir;
  })();
  return template;
}

export interface TfWorkspace {
  dir: string;
  /** a HOME for this workspace (with an empty .aws/), handy for tfEnv(ws.home, …) */
  home: string;
  cleanup(): void;
}

/**
 * A temp dir holding `files` (relative paths), ready for `terraform plan` without init: the AWS
 * provider is pinned to the mirrored version (a versions.tf is added unless a file already has
 * `required_providers`). Configs with modules or a backend need an explicit terraformInit.
 */
export async function tfWorkspace(files: Record<string, string>): Promise<TfWorkspace> {
  const tpl = await initialisedTemplate();
  const dir = tempDir('credguard-tf-');
  const home = join(dir, '.home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  const work = join(dir, 'root');
  mkdirSync(work);
  cpSync(join(tpl, '.terraform'), join(work, '.terraform'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(tpl, '.terraform.lock.hcl'), join(work, '.terraform.lock.hcl'));
  const hasRequired = Object.values(files).some((c) => c.includes('required_providers'));
  if (!hasRequired) writeFileSync(join(work, 'versions.tf'), requiredProvidersHcl());
  for (const [rel, content] of Object.entries(files)) {
    const p = join(work, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return {
    dir: work,
    home,
    cleanup: () => {
      if (process.env['CREDGUARD_KEEP_TF'] !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Plain helper: is `p` an existing directory. */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Per-provider errors from terraform's diagnostics: alias ('' for the default provider) → the
 * error block text. Lets one plan with several aliased providers settle several cases at once.
 */
export function providerErrors(stderr: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of stderr.split(/^\s*(?:│\s*)?Error: /m).slice(1)) {
    const m = /with provider\["registry\.terraform\.io\/hashicorp\/aws"\](?:\.([\w-]+))?,/.exec(block);
    if (m) out.set(m[1] ?? '', block.trim());
  }
  return out;
}

/** The AWS API error code in a terraform error text (`api error InvalidClientTokenId: …`). */
export function apiErrorCode(text: string): string | undefined {
  return /api error (\w+)/.exec(text)?.[1];
}
