// credguard check: the fast pre-flight gate for CI and wrappers. Exit 1 with one line naming
// the cause and the fix when Terraform would fail to authenticate; silent exit 0 otherwise.
// Fresh cache + unchanged Terraform files: no network, no HCL parser, no AWS SDK.
import { parseArgs } from 'node:util';
import { gate, type GateLoaders } from '../doctor/gate.js';
import type { Cli } from './io.js';
import { VAR_OPTIONS, cliVarsFrom, loadSettings, rootModule } from './shared.js';
import type { CliVar } from '../terraform/config.js';

const HELP = `Usage: credguard check [--dir D] [--var NAME=VALUE] [--var-file FILE] [--verbose] [--profile P]

Will Terraform authenticate here? Checks every provider "aws" configuration and the s3 backend
of the Terraform files in the current directory (or --dir), or the environment's default
context when there are none, against the shared identity cache: no network call while the
cached answer is fresh, one STS call per context otherwise.

Prints nothing and exits 0 when Terraform would authenticate; exits 1 with one line on stderr
naming the provider, the cause and the fix when it would not. 'credguard doctor' explains.

Options:
  --dir D        the Terraform root module (default: the current directory)
  --var NAME=VALUE, --var-file FILE
                 the -var / -var-file you give terraform (repeatable, in order; later wins;
                 a var file is relative to --dir, as terraform's are to -chdir)
  --verbose, -v  print one ok line when all is well
  --profile P    without Terraform files: check profile P
  -h, --help     show this help

Exit codes: 0 Terraform would authenticate, 1 it would fail, 2 usage or input error.
`;

export interface CheckArgs {
  dir?: string;
  verbose?: boolean;
  profile?: string;
  /** -var / -var-file of the terraform command line (var files resolved already) */
  cliVars?: CliVar[];
}

/** The Terraform reader and the credential model, from the doctor command's module (its bundle). */
const loaders: GateLoaders = {
  loadTargets: async (ctx, dir, profile, cliVars) => (await import('./doctor.js')).loadTargets(ctx, dir, profile, cliVars),
  resolveCredentials: async (ctx, opts) => (await import('./doctor.js')).resolveCredentials(ctx, opts),
};

export async function gateHere(cli: Cli, a: CheckArgs): Promise<{ ok: boolean; message?: string; summary: string }> {
  const { settings } = await loadSettings(cli);
  const result = await gate(cli, { dir: rootModule(cli, a.dir), settings, ...(a.profile ? { profile: a.profile } : {}), ...(a.cliVars?.length ? { cliVars: a.cliVars } : {}) }, loaders);
  return { ok: result.ok, ...(result.line ? { message: `credguard check: ${result.line}` } : {}), summary: result.summary };
}

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values, tokens } = parseArgs({
    args,
    tokens: true,
    options: {
      dir: { type: 'string' },
      ...VAR_OPTIONS,
      verbose: { type: 'boolean', short: 'v', default: false },
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
  const r = await gateHere(cli, { dir, ...(values.profile ? { profile: values.profile } : {}), cliVars: cliVarsFrom(tokens, dir) });
  if (!r.ok) {
    cli.err(r.message ?? 'credguard check: Terraform would fail to authenticate');
    return 1;
  }
  if (values.verbose) cli.out(`credguard check: ${r.summary}`);
  return 0;
}
