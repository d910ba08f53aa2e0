// credguard doctor: why does Terraform fail to authenticate here, and what exactly to type.
import { parseArgs } from 'node:util';
import { diagnose } from '../doctor/run.js';
import { exitCode, formatJson, formatText } from '../doctor/format.js';
import { doctorSettings } from '../doctor/settings.js';
import type { Cli } from './io.js';
import { VAR_OPTIONS, cliVarsFrom, loadSettings, rootModule } from './shared.js';

/** For `check`: what it loads only off its warm path, kept out of its own bundle. */
export { loadTargets } from '../doctor/run.js';
export { resolveCredentials } from '../core/resolve.js';

const HELP = `Usage: credguard doctor [--dir D] [--var NAME=VALUE] [--var-file FILE] [--json] [--verbose]
                       [--no-iam] [--profile P]

Runs the InvalidClientTokenId checklist for the Terraform configuration in the current
directory (or --dir): for every provider "aws" block (default and aliases) and the s3 backend,
resolves the credentials exactly as Terraform would, calls STS through the provider's endpoint,
tries assume_role, checks allowed/forbidden accounts, the STS region, expiry, the clock and (for
IAM users) the key's IAM status. Without Terraform files it diagnoses the environment's default
context. Prints the checklist, then each finding with its cause, masked evidence and the fix.

Options:
  --dir D        the Terraform root module (default: the current directory)
  --var NAME=VALUE, --var-file FILE
                 the -var / -var-file you give terraform (repeatable, in order; later wins;
                 a var file is relative to --dir, as terraform's are to -chdir)
  --json         machine-readable report (schema in the README)
  --verbose, -v  print the resolution steps of every provider
  --no-iam       skip iam:ListAccessKeys (key status and age)
  --profile P    without Terraform files: diagnose profile P as a provider "profile" would
  -h, --help     show this help

Exit codes: 0 healthy, 1 findings of severity error, 2 usage or input error.
`;

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values, tokens } = parseArgs({
    args,
    tokens: true,
    options: {
      dir: { type: 'string' },
      ...VAR_OPTIONS,
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      'no-iam': { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    cli.out(HELP);
    return 0;
  }
  const dir = rootModule(cli, values.dir);
  const { config, settings } = await loadSettings(cli);
  const report = await diagnose(cli, {
    dir,
    iam: !values['no-iam'],
    ...(values.profile ? { profile: values.profile } : {}),
    cliVars: cliVarsFrom(tokens, dir),
    core: settings,
    doctor: doctorSettings(config),
  });
  if (values.json) cli.out(JSON.stringify(formatJson(report, cli.now()), null, 2));
  else cli.out(formatText(report, { verbose: values.verbose, now: cli.now() }));
  return exitCode(report);
}
