// Dispatch: `credguard <command> [args]`. Each command lives in its own module, loaded lazily
// so that a pre-commit `scan` never pays for the AWS SDK.
import { isUserError, EXIT_USAGE } from '../core/errors.js';
import { setColor } from '../core/ui.js';
import { packageVersion } from '../core/package.js';
import { processCli, type Cli, type Command } from './io.js';

const HELP = `credguard — know what Terraform will do with your AWS credentials

Usage: credguard <command> [options]

Commands:
  whoami      who am I: account, ARN, source and why, region, expiry (cached)
  refresh     refresh the cached identity of the current context (the prompt runs it)
  doctor      diagnose why Terraform fails to authenticate, with the exact fix
  check       fast pre-flight gate: exit 1 when Terraform would fail
  exec        run check, then a command:  credguard exec -- terraform plan
  scan        refuse hard-coded AWS keys in Terraform files (pre-commit)
  env-check   warn about stale or shadowing AWS env vars (direnv)
  init        print shell integration:  bash | zsh | fish | direnv
  prompt      print the prompt segment (starship, tmux, p10k)

Run 'credguard <command> --help' for a command's options.
Exit codes: 0 healthy/clean, 1 findings, 2 usage or input error.
`;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  whoami: () => import('./whoami.js'),
  refresh: () => import('./refresh.js'),
  doctor: () => import('./doctor.js'),
  check: () => import('./check.js'),
  exec: () => import('./exec.js'),
  scan: () => import('./scan.js'),
  'env-check': () => import('./env-check.js'),
  init: () => import('./init.js'),
  prompt: () => import('./prompt.js'),
};

export async function main(argv: string[], cli: Cli = processCli()): Promise<number> {
  setColor(cli.color);
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    cli.out(HELP);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    cli.out(packageVersion());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    cli.err(`credguard: unknown command "${name}".\nhint: run 'credguard --help' to list the commands.`);
    return EXIT_USAGE;
  }
  try {
    const mod = await load();
    return await mod.run(rest, cli);
  } catch (err) {
    return reportError(err, cli);
  }
}

/** One place turns errors into messages: a UserError is a sentence plus a hint, never a stack. */
export function reportError(err: unknown, cli: Cli): number {
  if (isUserError(err)) {
    cli.err(`credguard: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`);
    return err.exitCode;
  }
  if (isParseArgsError(err)) {
    cli.err(`credguard: ${(err as Error).message}\nhint: run the command with --help to see its options.`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  cli.err(`credguard: unexpected error: ${message}\nhint: this is a bug in credguard; set CREDGUARD_DEBUG=1 for details and report it.`);
  if (process.env['CREDGUARD_DEBUG'] && err instanceof Error) cli.err(err.stack ?? '');
  return EXIT_USAGE;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
