// `check`: will Terraform authenticate here? From the shared cache when it is fresh (no network,
// no HCL parser while the Terraform files are unchanged), else one STS call per context.
// Returns the first failure as one line: target, cause, what, fix.
import type { Context } from '../core/context.js';
import { getIdentity, isFresh, openCacheFor, primaryError, readEntry, type CoreSettings, type IdentityEntry } from '../core/identity.js';
import { resolveCredentials } from '../core/resolve.js';
import { fixFor, stsView } from './fixes.js';
import { fingerprint, readSummary, writeSummary } from './summary.js';
import { environmentTarget } from './targets.js';
import type { Target } from './types.js';
import { accountAllowed, accountFromRoleArn } from './checks/account.js';

export interface GateResult {
  ok: boolean;
  /** One line for humans, on failure. */
  line?: string;
  /** Short ok line (for --verbose). */
  summary: string;
  networkCalls: number;
}

async function parsedTargets(ctx: Context, dir: string, store: ReturnType<typeof openCacheFor>, fp: string, profile?: string): Promise<Target[]> {
  const { loadTargets } = await import('./run.js');
  const { targets } = await loadTargets(ctx, dir, profile);
  writeSummary(store, dir, fp, targets);
  return targets;
}

export async function gate(ctx: Context, opts: { dir: string; settings: CoreSettings; profile?: string }): Promise<GateResult> {
  const store = openCacheFor(ctx);
  const hasTf = ctx.listDir(opts.dir).some((f) => !f.startsWith('.') && (f.endsWith('.tf') || f.endsWith('.tf.json')));
  let targets: Target[];
  let fp = '';
  if (!hasTf) targets = [environmentTarget(opts.profile)];
  else {
    fp = fingerprint(ctx, opts.dir);
    const s = readSummary(store, opts.dir, fp);
    if (s) targets = s.targets;
    else {
      // summaries never hold provider-block keys: such a configuration is parsed every time
      targets = await parsedTargets(ctx, opts.dir, store, fp, opts.profile);
    }
  }
  const seen = new Map<string, IdentityEntry>();
  let calls = 0;
  const oks: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as Target;
    if (t.unknowns.length) continue; // doctor explains; check does not guess
    const r = await resolveCredentials(ctx, t.resolve);
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
    if (entry.status !== 'ok') {
      const what = `${entry.errorCode && entry.errorCode !== 'Offline' ? `${entry.errorCode}: ` : ''}${entry.explanation ?? entry.errorMessage ?? entry.status}`;
      return { ok: false, line: line(t, entry.cause ?? entry.status, what, fixFor(entry.cause, r, t)), summary: '', networkCalls: calls };
    }
    const account = t.assumeRole ? accountFromRoleArn(t.assumeRole.roleArn) ?? entry.account : entry.account;
    if (account) {
      const v = accountAllowed(t, account);
      if (!v.ok) {
        return { ok: false, line: line(t, 'wrong-profile', `account ${account} is ${v.why}`, 'export AWS_PROFILE=<a profile of an allowed account>  # credguard doctor names one'), summary: '', networkCalls: calls };
      }
    }
    oks.push(`${t.address}: ${account ?? '?'}${r.profile ? ` (${r.profile})` : ''}`);
  }
  return { ok: true, summary: `ok — ${oks.join(', ') || 'nothing to check'}`, networkCalls: calls };
}

function line(t: Target, cause: string, what: string, fix: string): string {
  return `${t.address}: ${cause}: ${what.replace(/\s+/g, ' ').trim()} — fix: ${fix}`;
}
