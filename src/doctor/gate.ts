// `check`: will Terraform authenticate here? From the shared cache when it is fresh (no network,
// no HCL parser while the Terraform files are unchanged), else one STS call per context.
// Returns the first failure as one line: target, cause, what, fix.
//
// Warm path: the provider summary (summary.ts) stands in for the Terraform files, and a
// resolution memo stands in for the credential model — resolveCredentials is a pure function
// of the AWS_* environment, the AWS files and the clock, so its context keys are remembered
// under a fingerprint of exactly those inputs (paths, mtimes, sizes; secrets by presence only) until the
// earliest credential expiry. Only when an input changed is the model (and its INI loader) loaded.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../core/context.js';
import type { CacheStore } from '../core/cache.js';
import { getIdentity, isFresh, openCacheFor, primaryError, readEntry, type CoreSettings, type IdentityEntry } from '../core/identity.js';
import type { Resolution } from '../core/resolve.js';
import { finalRole, fixFor, stsView } from './fixes.js';
import { fnv96 } from '../core/hash.js';
import { fingerprint, readSummary, writeSummary } from './summary.js';
import { environmentTarget } from './environment.js';
import type { Target } from './types.js';
import type { CliVar } from '../terraform/config.js';
import { accountAllowed, accountFromRoleArn } from './accounts.js';

/**
 * The heavy parts, loaded only off the warm path. The CLI passes them in through the doctor
 * command's module (`import('./doctor.js')`) so that check's own bundle stays small; in-process
 * callers pass `loadTargets` from run.ts and `resolveCredentials` from core/resolve.ts.
 */
export interface GateLoaders {
  loadTargets: (ctx: Context, dir: string, profile?: string, cliVars?: CliVar[]) => Promise<{ targets: Target[]; terraform?: { errors: Array<{ file: string; message: string }> } | undefined }>;
  resolveCredentials: typeof import('../core/resolve.js').resolveCredentials;
}

export interface GateResult {
  ok: boolean;
  /** One line for humans, on failure. */
  line?: string;
  /** Short ok line (for --verbose). */
  summary: string;
  networkCalls: number;
}

interface Memo {
  v: 1;
  key: string;
  /** Files the resolutions read, with their stat signature at the time. */
  files: string[];
  validUntil: number;
  contexts: Array<{ contextKey: string; profile: string }>;
}

const SECRET_VARS = new Set(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']);

function statSig(path: string): string {
  try {
    const st = statSync(path);
    return `${path}\0${st.mtimeMs}\0${st.size}`;
  } catch {
    return `${path}\0-`;
  }
}

/** The resolution inputs that are not files: AWS_* (secrets by presence only), HOME, the targets. */
function memoKey(ctx: Context, targets: Target[], tfFingerprint: string, files: string[]): string {
  let text = `${ctx.home}\n${tfFingerprint}\n${JSON.stringify(targets.map((t) => t.resolve))}\n`;
  for (const k of Object.keys(ctx.env).filter((n) => n.startsWith('AWS_')).sort()) {
    text += SECRET_VARS.has(k) ? `${k}:${(ctx.env[k] ?? '') === '' ? 0 : 1}\n` : `${k}=${ctx.env[k] ?? ''}\n`;
  }
  for (const f of files) text += `${statSig(f)}\n`;
  return fnv96(text);
}

function memoPath(store: CacheStore, dir: string): string {
  return join(store.dir('terraform'), `tfchk-${fnv96(dir)}.json`);
}

function readMemo(ctx: Context, store: CacheStore, dir: string, targets: Target[], fp: string): Memo | undefined {
  const text = store.readText(memoPath(store, dir));
  if (!text) return undefined;
  try {
    const m = JSON.parse(text) as Memo;
    if (m.v !== 1 || !Array.isArray(m.files) || m.contexts?.length !== targets.length || ctx.now() >= m.validUntil) return undefined;
    return m.key === memoKey(ctx, targets, fp, m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

function writeMemo(ctx: Context, store: CacheStore, dir: string, targets: Target[], fp: string, rs: Resolution[]): void {
  const files = [...new Set(rs.flatMap((r) => [r.files.configPath, r.files.credentialsPath, ...r.expiries.map((e) => e.source.split(' (')[0] ?? '').filter((p) => p.startsWith('/'))]))].sort();
  const expiries = rs.flatMap((r) => r.expiries.map((e) => e.at));
  const m: Memo = {
    v: 1,
    key: memoKey(ctx, targets, fp, files),
    files,
    validUntil: Math.min(ctx.now() + 24 * 3600_000, ...expiries),
    contexts: rs.map((r) => ({ contextKey: r.contextKey, profile: r.profile ?? '' })),
  };
  try {
    store.writeAtomic(memoPath(store, dir), JSON.stringify(m) + '\n');
  } catch {
    // without the memo the next check resolves again: slower, not wrong
  }
}

/** The targets, or the first file Terraform itself would refuse to read. */
async function parsedTargets(loaders: GateLoaders, ctx: Context, opts: GateOptions, store: CacheStore, fp: string): Promise<Target[] | { file: string; message: string }> {
  const { targets, terraform } = await loaders.loadTargets(ctx, opts.dir, opts.profile, opts.cliVars);
  const broken = terraform?.errors[0];
  if (broken) return broken;
  writeSummary(store, opts.dir, fp, targets);
  return targets;
}

export interface GateOptions {
  dir: string;
  settings: CoreSettings;
  profile?: string;
  /** the -var / -var-file of the terraform command line being checked */
  cliVars?: CliVar[];
}

export async function gate(ctx: Context, opts: GateOptions, loaders: GateLoaders): Promise<GateResult> {
  const store = openCacheFor(ctx);
  const hasTf = ctx.listDir(opts.dir).some((f) => !f.startsWith('.') && (f.endsWith('.tf') || f.endsWith('.tf.json')));
  let targets: Target[];
  const fp = hasTf ? fingerprint(ctx, opts.dir, opts.cliVars) : `none:${opts.profile ?? ''}`;
  if (!hasTf) targets = [environmentTarget(opts.profile)];
  else {
    const s = readSummary(store, opts.dir, fp);
    // summaries never hold provider-block keys: such a configuration is parsed every time
    const parsed = s ? s.targets : await parsedTargets(loaders, ctx, opts, store, fp);
    if (!Array.isArray(parsed)) {
      // Terraform stops at the syntax error before it ever asks for credentials.
      if (parsed.message.startsWith('cannot read')) return { ok: false, line: `${parsed.message} — terraform stops there too; check the path (a -var-file is relative to the root module)`, summary: '', networkCalls: 0 };
      return { ok: false, line: `${parsed.message.startsWith('cannot parse') ? parsed.message : `cannot parse ${parsed.file}: ${parsed.message}`} — terraform stops there too; fix the file (terraform validate)`, summary: '', networkCalls: 0 };
    }
    targets = parsed;
  }
  const live = targets.filter((t) => !t.unknowns.length); // doctor explains unknowns; check does not guess

  // Fast path: every context known, every cached answer fresh and ok.
  const memo = readMemo(ctx, store, opts.dir, live, fp);
  if (memo) {
    const entries = memo.contexts.map((c) => readEntry(store, c.contextKey));
    if (entries.every((e) => e && e.status === 'ok' && isFresh(e, ctx.now()))) {
      return verdict(live, entries as IdentityEntry[], memo.contexts.map((c) => c.profile), 0);
    }
  }

  const { resolveCredentials } = loaders;
  const seen = new Map<string, IdentityEntry>();
  const rs: Resolution[] = [];
  const entries: IdentityEntry[] = [];
  let calls = 0;
  for (const t of live) {
    const r = await resolveCredentials(ctx, t.resolve);
    rs.push(r);
    if (r.failsOffline) {
      const f = primaryError(r.findings);
      return { ok: false, line: line(t, f?.cause ?? 'no-credentials', f?.message ?? 'no usable credentials', f?.fix ?? fixFor('no-credentials', r, t)), summary: '', networkCalls: calls };
    }
    let entry = seen.get(r.contextKey) ?? readEntry(store, r.contextKey);
    if (!entry || !isFresh(entry, ctx.now())) {
      entry = (await getIdentity(ctx, stsView(r, t), { settings: opts.settings, ...(t.staticCredentials ? { staticCredentials: t.staticCredentials } : {}) }, store)).entry;
      calls++;
    }
    seen.set(r.contextKey, entry);
    entries.push(entry);
    if (entry.status !== 'ok') {
      const what = `${entry.errorCode && entry.errorCode !== 'Offline' ? `${entry.errorCode}: ` : ''}${entry.explanation ?? entry.errorMessage ?? entry.status}`;
      return { ok: false, line: line(t, entry.cause ?? entry.status, what, fixFor(entry.cause, r, t)), summary: '', networkCalls: calls };
    }
  }
  if (!live.some((t) => t.staticCredentials)) writeMemo(ctx, store, opts.dir, live, fp, rs);
  return verdict(live, entries, rs.map((r) => r.profile ?? ''), calls);
}

function verdict(targets: Target[], entries: IdentityEntry[], profiles: string[], calls: number): GateResult {
  const oks: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as Target;
    const entry = entries[i];
    const role = finalRole(t);
    // with an unknown role later in the chain the final account is unknown: not judged
    const account = t.assumeRoleIncomplete ? undefined : ((role ? accountFromRoleArn(role.roleArn) : undefined) ?? entry?.account);
    if (account) {
      const v = accountAllowed(t, account);
      if (!v.ok) {
        return { ok: false, line: line(t, 'wrong-profile', `account ${account} is ${v.why}`, 'export AWS_PROFILE=<a profile of an allowed account>  # credguard doctor names one'), summary: '', networkCalls: calls };
      }
    }
    oks.push(`${t.address}: ${account ?? '?'}${profiles[i] ? ` (${profiles[i]})` : ''}`);
  }
  return { ok: true, summary: `ok — ${oks.join(', ') || 'nothing to check'}`, networkCalls: calls };
}

function line(t: Target, cause: string, what: string, fix: string): string {
  return `${t.address}: ${cause}: ${what.replace(/\s+/g, ' ').trim()} — fix: ${fix}`;
}
