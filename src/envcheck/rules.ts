// The env-check rules: what is wrong with the AWS environment of this shell, for Terraform,
// given what the directory wants. Pure functions of an EnvCheckInput (a Resolution, the env,
// the clock and the options): no files, no network. `envCheckRules()` is the list doctor
// reuses (DESIGN.md's one sanctioned sideways edge).
import { UNSET_ENV_KEYS, type Finding, type Severity } from '../core/causes.js';
import { maskKeyId } from '../core/mask.js';
import { formatCountdown } from '../core/ui.js';
import type { Resolution } from '../core/resolve.js';
import { accountOf } from './account.js';
import { completeUnset, isSet, KEY_VARS, unsetFromFix } from './fix.js';
import type { EnvCheckInput, EnvFinding, EnvRule } from './types.js';


/** A resolution finding as an env-check finding: `--fix` may unset what its fix unsets. */
function fromResolution(f: Finding, input: EnvCheckInput, rule: string): EnvFinding {
  const out: EnvFinding = { ...f, rule };
  const names = unsetFromFix(f.fix);
  if (names && f.severity !== 'info') {
    const unset = completeUnset(input.env, names);
    if (unset.length) out.unset = unset;
  }
  return out;
}

/** The credential model's own findings: hygiene of env keys, shadowing, expiry, missing profile, files. */
const resolutionRule: EnvRule = {
  id: 'resolution',
  summary: "the credential model's findings: shadowed AWS_PROFILE, ASIA key without token, AKIA key with a token, lone halves, stray quotes/CR, expired sessions, missing profiles, unreadable files",
  check(input) {
    const out: EnvFinding[] = [];
    for (const f of input.actual.findings) {
      if (f.code === 'region-vars-disagree') {
        // Terraform reads AWS_REGION, but boto3 and older tools read AWS_DEFAULT_REGION: in a
        // directory switcher the disagreement is a trap, so it is a warning here; the fix makes
        // them agree rather than dropping one.
        const region = input.env['AWS_REGION'] ?? '';
        out.push({ ...f, rule: 'region-vars', severity: 'warn', message: `${f.message.replace(/\.$/, '')}; boto3 and other tools read AWS_DEFAULT_REGION.`, fix: `export AWS_DEFAULT_REGION=${region}` });
        continue;
      }
      out.push(fromResolution(f, input, 'resolution'));
    }
    return collapseFileLint(out);
  },
};

/** Env keys present while the directory wants a profile: Terraform would use the keys. */
const wantedProfileKeysRule: EnvRule = {
  id: 'wanted-profile-env-keys',
  summary: '--profile P: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN are set and would beat (or confuse) profile P',
  check({ env, options }) {
    const want = options.profile;
    if (!want) return [];
    const present = KEY_VARS.filter((n) => isSet(env, n));
    if (!present.length) return [];
    const pair = isSet(env, 'AWS_ACCESS_KEY_ID') && isSet(env, 'AWS_SECRET_ACCESS_KEY');
    const names = present.length > 1 ? `${present.slice(0, -1).join(', ')} and ${present.at(-1)}` : present.join('');
    const verb = present.length === 1 ? 'is' : 'are';
    const keyId = env['AWS_ACCESS_KEY_ID'];
    return [{
      rule: 'wanted-profile-env-keys',
      cause: 'env-override',
      severity: 'warn',
      message: pair
        ? `${names} ${verb} set: Terraform uses these keys, not profile "${want}" that this directory wants.`
        : `${names} ${verb} set (stale: without the other half Terraform ignores ${present.length === 1 ? 'it' : 'them'}) while this directory wants profile "${want}".`,
      evidence: [keyId ? `AWS_ACCESS_KEY_ID=${maskKeyId(keyId)}` : undefined, ...present.filter((n) => n !== 'AWS_ACCESS_KEY_ID').map((n) => `${n} set`)].filter(Boolean).join(', '),
      fix: UNSET_ENV_KEYS,
      unset: completeUnset(env, present),
    }];
  },
};

/** The profile in effect, ignoring env keys: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default. */
function selectedProfile(env: EnvCheckInput['env']): { name: string; by: string } {
  if (isSet(env, 'AWS_PROFILE')) return { name: env['AWS_PROFILE'] ?? '', by: 'AWS_PROFILE' };
  if (isSet(env, 'AWS_DEFAULT_PROFILE')) return { name: env['AWS_DEFAULT_PROFILE'] ?? '', by: 'AWS_DEFAULT_PROFILE' };
  return { name: 'default', by: 'no AWS_PROFILE' };
}

/** AWS_PROFILE (or its absence) selects another profile than the directory wants. */
const wantedProfileSelectedRule: EnvRule = {
  id: 'wanted-profile-selected',
  summary: '--profile P: AWS_PROFILE (else AWS_DEFAULT_PROFILE, else "default") is not P',
  check({ env, options }) {
    const want = options.profile;
    if (!want) return [];
    const sel = selectedProfile(env);
    if (sel.name === want) return [];
    return [{
      rule: 'wanted-profile-selected',
      cause: 'wrong-profile',
      severity: 'warn',
      message: sel.by === 'no AWS_PROFILE'
        ? `AWS_PROFILE is not set, so Terraform uses profile "default", but this directory wants profile "${want}".`
        : `${sel.by}=${sel.name} is in effect, but this directory wants profile "${want}".`,
      evidence: sel.by === 'no AWS_PROFILE' ? 'AWS_PROFILE unset' : `${sel.by}=${sel.name}`,
      fix: `export AWS_PROFILE=${want}  # in .envrc, before 'use credguard'`,
    }];
  },
};

/** The wanted profile itself: missing, not logged in, expired, malformed — before it is even used. */
const wantedProfileHealthRule: EnvRule = {
  id: 'wanted-profile-health',
  summary: '--profile P: P exists and yields credentials (SSO logged in, not expired)',
  check(input) {
    const { wanted, options } = input;
    const want = options.profile;
    if (!want || !wanted) return [];
    const out: EnvFinding[] = [];
    for (const f of wanted.findings) {
      if (f.cause === 'env-override' || f.cause === 'wrong-profile' || f.cause === 'sts-region') continue;
      if (f.code === 'profile-missing') {
        out.push({
          ...f,
          rule: 'wanted-profile-health',
          message: `Profile "${want}", which this directory wants, does not exist in ${wanted.files.configPath} or ${wanted.files.credentialsPath}.`,
          fix: `aws configure --profile ${want}  # or: aws configure sso --profile ${want}`,
        });
        continue;
      }
      out.push({ ...f, rule: 'wanted-profile-health' });
    }
    out.push(...expiring(wanted, input, 'wanted-profile-health'));
    return collapseFileLint(out);
  },
};

function expiryFix(r: Resolution): string {
  const sso = r.chain.find((l) => l.kind === 'sso' || l.kind === 'sso-legacy');
  if (sso) return `aws sso login --profile ${sso.name}`;
  if (r.source === 'env') return 'start a new session (aws-vault exec / granted / awsume) before it runs out';
  return `refresh the session credentials of profile ${r.profile ?? ''}`;
}

function expiring(r: Resolution, input: EnvCheckInput, rule: string): EnvFinding[] {
  const exp = r.expiry;
  if (!exp || exp.refreshable) return [];
  const left = exp.at - input.now;
  if (left <= 0 || left > input.options.expiringMinutes * 60_000) return [];
  const who = r.source === 'env' ? 'The environment session' : `The credentials of profile ${r.profile ?? ''}`;
  return [{
    rule,
    cause: 'expired-credentials',
    severity: 'warn',
    message: `${who} expire in ${formatCountdown(left / 1000)} (at ${new Date(exp.at).toISOString()}): a long terraform apply will fail half-way.`,
    evidence: exp.source,
    fix: expiryFix(r),
  }];
}

/** Credentials that expire within the threshold (already expired ones are the model's findings). */
const expiringRule: EnvRule = {
  id: 'expiring',
  summary: 'session credentials expire within envCheck.expiringMinutes',
  check: (input) => expiring(input.actual, input, 'expiring'),
};

/** `--account`: the account the credentials in effect belong to, known offline or from the cache. */
const accountRule: EnvRule = {
  id: 'account',
  summary: "--account A: the credentials in effect belong to account A (role ARN, sso_account_id, key id, else the cached identity; never the network)",
  check({ actual, env, cachedIdentity, now, options }) {
    const want = options.account;
    if (!want) return [];
    if (actual.source === 'none') return []; // no-credentials is already reported
    const fact = accountOf(actual, env, cachedIdentity, now);
    if (!fact) {
      return [{
        rule: 'account',
        cause: 'wrong-profile',
        severity: 'info',
        message: `Cannot tell offline which account these credentials belong to, so account ${want} is not verified.`,
        evidence: `source ${actual.source}${actual.profile ? `, profile ${actual.profile}` : ''}`,
        fix: 'credguard whoami  # checks once and caches the identity for the next env-check',
      }];
    }
    if (fact.account === want) return [];
    return [{
      rule: 'account',
      cause: 'wrong-profile',
      severity: 'error',
      message: `These credentials belong to account ${fact.account}, but this directory wants account ${want}: Terraform would act on the wrong account (or be refused by allowed_account_ids).`,
      evidence: `account ${fact.account} (from ${fact.from})`,
      fix: options.profile ? `${UNSET_ENV_KEYS}; export AWS_PROFILE=${options.profile}` : `export AWS_PROFILE=<a profile of account ${want}>`,
    }];
  },
};

/** `--region`: the region Terraform would use. */
const regionRule: EnvRule = {
  id: 'region',
  summary: '--region R: the region Terraform would use (AWS_REGION, AWS_DEFAULT_REGION, the profile) is R',
  check({ actual, options }) {
    const want = options.region;
    if (!want || actual.region === want) return [];
    return [{
      rule: 'region',
      cause: 'wrong-profile',
      severity: 'warn',
      message: actual.region
        ? `Terraform would use region ${actual.region} (${actual.regionSource}), but this directory wants ${want}.`
        : `No region is set (Terraform needs one), and this directory wants ${want}.`,
      evidence: actual.region ? `${actual.regionSource}=${actual.region}` : 'AWS_REGION, AWS_DEFAULT_REGION and the profile region unset',
      fix: `export AWS_REGION=${want}`,
    }];
  },
};

/** The rule list, in reporting order. Doctor may run these on its own Resolution. */
export function envCheckRules(): EnvRule[] {
  return [resolutionRule, wantedProfileKeysRule, wantedProfileSelectedRule, wantedProfileHealthRule, expiringRule, accountRule, regionRule];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

/** Run the rules, drop duplicates, errors first. */
export function runEnvRules(input: EnvCheckInput, rules: EnvRule[] = envCheckRules()): EnvFinding[] {
  const all = rules.flatMap((rule) => rule.check(input));
  return dedupe(all).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

function dedupe(findings: EnvFinding[]): EnvFinding[] {
  const out: EnvFinding[] = [];
  // The directory-aware env-override finding subsumes the model's warnings that only ask to
  // unset part of the same variables (shadowing, lone halves, a leftover token).
  const broad = findings.find((f) => f.rule === 'wanted-profile-env-keys');
  for (const f of findings) {
    if (broad && f !== broad && f.cause === 'env-override' && f.severity !== 'error' && (f.unset ?? []).every((n) => broad.unset?.includes(n)) && f.unset?.length) continue;
    const same = out.find((g) => g.cause === f.cause && g.fix === f.fix && (g.message === f.message || (g.fix !== undefined && g.cause === 'env-override')));
    if (same) {
      if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[same.severity]) same.severity = f.severity;
      continue;
    }
    out.push(f);
  }
  return out;
}

/**
 * A file full of garbage would print one warning per line; more than three ignored lines of
 * one file become one finding naming the file and the first lines.
 */
function collapseFileLint(findings: EnvFinding[]): EnvFinding[] {
  const byFile = new Map<string, EnvFinding[]>();
  for (const f of findings) {
    if (f.code === 'ini-line-ignored' && f.file) {
      byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    }
  }
  const out: EnvFinding[] = [];
  const done = new Set<string>();
  for (const f of findings) {
    const group = f.file ? byFile.get(f.file) : undefined;
    if (!group || group.length <= 3 || !group.includes(f)) {
      out.push(f);
      continue;
    }
    if (done.has(f.file ?? '')) continue;
    done.add(f.file ?? '');
    const lines = group.map((g) => /:(\d+): /.exec(g.message)?.[1]).filter(Boolean);
    out.push({
      rule: f.rule,
      cause: 'config',
      severity: 'warn',
      file: f.file,
      message: `${f.file} has ${group.length} lines that are not valid settings (lines ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}); the AWS tools ignore them.`,
      fix: `Edit ${f.file} (aws configure list-profiles shows what is understood).`,
    });
  }
  return out;
}
