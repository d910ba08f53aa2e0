// credguard env-check: is the AWS environment of this shell what this directory wants?
// Offline (no STS call), no AWS SDK, no HCL parser: `use credguard` runs it on every `cd`.
import { parseArgs } from 'node:util';
import { readSection } from '../core/config.js';
import { UserError, EXIT_FINDINGS, EXIT_OK } from '../core/errors.js';
import { cacheDir, openCacheReadOnly } from '../core/cache.js';
import { readEntry } from '../core/identity.js';
import { envCheck } from '../envcheck/check.js';
import { applyStrict, blocking, formatJson, formatShell, formatText } from '../envcheck/format.js';
import type { KnownIdentity } from '../envcheck/types.js';
import type { Cli } from './io.js';
import { loadSettings } from './shared.js';

const HELP = `Usage: credguard env-check [--json] [--profile P] [--account 123456789012] [--region R]
                           [--strict] [--fix] [--shell bash]

Checks the AWS variables of this shell against what Terraform would do and what this
directory wants: environment keys shadowing a profile, ASIA keys without a session token,
AKIA keys with a leftover token, stray quotes/spaces/CR, AWS_PROFILE vs AWS_DEFAULT_PROFILE,
AWS_REGION vs AWS_DEFAULT_REGION, expired or soon-expiring sessions, SSO sessions to log in
again, missing profiles, and the account and region. Offline: no call to AWS. direnv runs it
through 'use credguard' in .envrc (install: credguard init direnv > ~/.config/direnv/lib/credguard.sh).

Options:
  --profile P        this directory wants profile P: env keys or another AWS_PROFILE are findings
  --account ID       the credentials must belong to account ID (12 digits); known offline from
                     the role ARN, sso_account_id or key id, else from the identity cached by
                     'credguard whoami' — never a network call
  --region R         Terraform must use region R
  --strict           report warnings as errors
  --fix              work out which stale/shadowing variables to unset (the direnv library
                     unsets them for this directory) and report what remains after that
  --shell bash       output for the direnv library: lines "unset NAME", "error TEXT",
                     "warn TEXT", "status TEXT"; nothing when all is well
  --json             machine-readable output
  -h, --help         show this help

Config ("envCheck" section): expiringMinutes (default 15), strict (default false).

Exit codes: 0 clean, 1 findings (warnings or errors; with --fix, those left after the fix),
2 usage or input error.
`;

export const ENVCHECK_DEFAULTS = {
  /** Session credentials expiring within this many minutes are reported. */
  expiringMinutes: 15,
  /** Report warnings as errors by default. */
  strict: false,
};

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      profile: { type: 'string' },
      account: { type: 'string' },
      region: { type: 'string' },
      strict: { type: 'boolean' },
      fix: { type: 'boolean', default: false },
      shell: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    cli.out(HELP);
    return EXIT_OK;
  }
  if (values.shell !== undefined && values.shell !== 'bash') {
    throw new UserError(`--shell "${values.shell}" is not supported.`, 'Use --shell bash (the direnv library runs under bash).');
  }
  if (values.shell !== undefined && values.json) throw new UserError('--json and --shell cannot be combined.', 'Pick one output format.');
  if (values.profile !== undefined && (values.profile === '' || /[\s\x00-\x1f]/.test(values.profile))) {
    throw new UserError(`--profile ${JSON.stringify(values.profile)} is not a profile name.`, 'Use for example --profile prod.');
  }
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
    throw new UserError(`--account ${JSON.stringify(values.account)} is not an AWS account id.`, 'An account id is 12 digits, e.g. --account 123456789012.');
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(values.region)) {
    throw new UserError(`--region ${JSON.stringify(values.region)} is not an AWS region.`, 'Use for example --region eu-west-1.');
  }

  const { config } = await loadSettings(cli);
  const section = readSection(config, 'envCheck', ENVCHECK_DEFAULTS);
  const strict = values.strict ?? section.strict;

  const result = await envCheck(cli, {
    fix: values.fix,
    expiringMinutes: section.expiringMinutes,
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.account ? { account: values.account } : {}),
    ...(values.region ? { region: values.region } : {}),
  }, { cachedIdentity: (key) => cachedIdentity(cli, key) });

  const findings = applyStrict(result.findings, strict);
  if (values.shell) {
    const text = formatShell(result, findings);
    if (text) cli.out(text);
  } else if (values.json) {
    cli.out(JSON.stringify(formatJson(result, findings, cli.now(), strict), null, 2));
  } else {
    cli.out(formatText(result, findings, cli.now()));
  }
  return blocking(findings).length ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * The identity an earlier whoami/refresh/prompt check cached for this context, read-only:
 * nothing is created, and a cache directory that is a symlink or belongs to someone else is
 * not trusted (its account id could be forged).
 */
function cachedIdentity(cli: Cli, contextKey: string): KnownIdentity | undefined {
  const store = openCacheReadOnly(cacheDir(cli.env, cli.home));
  if (!store) return undefined;
  let entry;
  try {
    entry = readEntry(store, contextKey);
  } catch {
    return undefined; // identity/ is not trusted
  }
  if (!entry || entry.status !== 'ok' || !entry.account || !/^\d{12}$/.test(entry.account)) return undefined;
  return { account: entry.account, checkedAt: entry.checkedAt };
}
