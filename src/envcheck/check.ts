// env-check: resolve what Terraform would do with this environment, run the rules, and — with
// `fix` — work out which variables to unset and what is still wrong once they are gone.
// Offline by construction: the credential model, the AWS files, an optional cached identity.
import type { Context } from '../core/context.js';
import { resolveCredentials, type Resolution } from '../core/resolve.js';
import { accountOf, type AccountFact } from './account.js';
import { UNSET_ALLOWLIST, withoutVars } from './fix.js';
import { runEnvRules } from './rules.js';
import type { EnvCheckOptions, EnvFinding, FixedItem, KnownIdentity } from './types.js';

export interface EnvCheckRun extends EnvCheckOptions {
  /** Unset the shadowing/stale variables (the caller applies it) and report what remains. */
  fix: boolean;
}

export interface EnvCheckDeps {
  /** The cached identity of a context key, if any (read-only; never triggers a check). */
  cachedIdentity?: (contextKey: string) => KnownIdentity | undefined;
}

export interface EnvCheckResult {
  /** What is (still) wrong — after the fix when `fix` is set. */
  findings: EnvFinding[];
  /** What `fix` unset, and why. */
  fixed: FixedItem[];
  /** All variables to unset, in a stable order. */
  unset: string[];
  /** The resolution of the (fixed) environment. */
  resolution: Resolution;
  account: AccountFact | undefined;
}

const MAX_FIX_PASSES = 4;

export async function envCheck(ctx: Context, opts: EnvCheckRun, deps: EnvCheckDeps = {}): Promise<EnvCheckResult> {
  let env = ctx.env;
  const fixed: FixedItem[] = [];
  const unset: string[] = [];
  for (let pass = 0; ; pass++) {
    const here: Context = env === ctx.env ? ctx : { ...ctx, env };
    const actual = await resolveCredentials(here);
    const wanted = opts.profile && !(actual.source === 'profile' && actual.profile === opts.profile)
      ? await resolveCredentials(here, { profile: opts.profile })
      : undefined;
    const cachedIdentity = deps.cachedIdentity?.(actual.contextKey);
    const findings = runEnvRules({
      env,
      now: ctx.now(),
      actual,
      ...(wanted ? { wanted } : {}),
      ...(cachedIdentity ? { cachedIdentity } : {}),
      options: { expiringMinutes: opts.expiringMinutes, ...pick(opts) },
    });
    const fixable = opts.fix && pass < MAX_FIX_PASSES ? findings.filter((f) => f.unset?.length && f.severity !== 'info') : [];
    if (!fixable.length) {
      unset.sort((a, b) => UNSET_ALLOWLIST.indexOf(a) - UNSET_ALLOWLIST.indexOf(b));
      return { findings, fixed, unset, resolution: actual, account: accountOf(actual, env, cachedIdentity, ctx.now()) };
    }
    // Broadest fix first: a finding whose variables another fix already unsets adds no line.
    fixable.sort((a, b) => (b.unset?.length ?? 0) - (a.unset?.length ?? 0));
    for (const f of fixable) {
      const fresh = (f.unset ?? []).filter((n) => !unset.includes(n));
      if (!fresh.length) continue;
      unset.push(...fresh);
      fixed.push({ unset: fresh, cause: f.cause, message: f.message });
    }
    env = withoutVars(env, unset);
  }
}

function pick(o: EnvCheckRun): Partial<EnvCheckOptions> {
  const out: Partial<EnvCheckOptions> = {};
  if (o.profile) out.profile = o.profile;
  if (o.account) out.account = o.account;
  if (o.region) out.region = o.region;
  return out;
}
