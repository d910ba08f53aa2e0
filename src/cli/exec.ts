// credguard exec [--force] [--dir D] -- <command …>: run `check`, then (only when it passes,
// unless --force) the command with inherited stdio; its exit code is passed through, a signal
// death becomes 128+n as in a shell.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.js';
import type { Cli } from './io.js';
import { gateHere } from './check.js';
import { cliVar } from './shared.js';
import type { CliVar } from '../terraform/config.js';
import type { Env } from '../core/context.js';

const HELP = `Usage: credguard exec [--force] [--dir D] [--profile P] -- <command> [args…]

Runs 'credguard check' and then the command, e.g.  credguard exec -- terraform plan
For a terraform (or tofu) command the check reads what terraform will: its -chdir=DIR, and
its -var and -var-file options in order (TF_CLI_ARGS and TF_CLI_ARGS_<command> included). When the check fails, prints its one line and exits
1 without running the command (--force runs it anyway). The command's exit code is passed
through (a signal n gives 128+n).

Options:
  --force        run the command even when the check fails
  --dir D        the Terraform root module to check (default: the current directory)
  --profile P    without Terraform files: check profile P
  -h, --help     show this help
`;

export async function run(args: string[], cli: Cli): Promise<number> {
  const sep = args.indexOf('--');
  const split = sep === -1 ? firstPositional(args) : sep;
  const command = args.slice(sep === -1 ? split : sep + 1);
  const { values } = parseArgs({
    args: args.slice(0, split),
    options: {
      force: { type: 'boolean', default: false },
      dir: { type: 'string' },
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
  if (!command.length || !command[0]) {
    throw new UserError('exec needs a command to run.', 'Usage: credguard exec -- terraform plan');
  }
  const tf = terraformContext(command, cli.cwd, cli.env);
  const dir = values.dir ?? tf.dir;
  const r = await gateHere(cli, { ...(dir ? { dir } : {}), ...(values.profile ? { profile: values.profile } : {}), cliVars: tf.cliVars });
  if (!r.ok) {
    cli.err(r.message ?? 'credguard check: Terraform would fail to authenticate');
    if (!values.force) return 1;
    cli.err('credguard exec: --force: running the command anyway');
  }
  return runChild(command, cli);
}

/**
 * What a terraform (or tofu) command line says about the configuration it will read, the way
 * Terraform reads it: `-chdir=DIR` among the global options before the subcommand (the root
 * module; later paths are relative to it), then every -var / -var-file in order, with
 * TF_CLI_ARGS_<subcommand> and TF_CLI_ARGS inserted right after the subcommand (in that
 * order, as Terraform merges them). A malformed -var is left for terraform to report.
 */
export function terraformContext(command: string[], cwd: string, env: Env): { dir?: string; cliVars: CliVar[] } {
  const [bin, ...args] = command;
  if (!bin || !/^(terraform|tofu)([-_.]?v?\d[\w.]*)?(\.exe)?$/i.test(basename(bin))) return { cliVars: [] };
  let i = 0;
  let chdir: string | undefined;
  for (; i < args.length && (args[i] ?? '').startsWith('-'); i++) {
    const m = /^-chdir=([^]*)$/.exec(args[i] ?? '');
    if (m) chdir = m[1];
  }
  const sub = args[i];
  const fromEnv = sub ? [...shellWords(env[`TF_CLI_ARGS_${sub.replace(/[- ]/g, '_')}`]), ...shellWords(env['TF_CLI_ARGS'])] : [];
  const flags = [...fromEnv, ...args.slice(i + 1)];
  const base = resolve(cwd, chdir ?? '.');
  const cliVars: CliVar[] = [];
  for (let k = 0; k < flags.length; k++) {
    const m = /^--?(var|var-file)(?:=([^]*))?$/.exec(flags[k] ?? '');
    if (!m) continue;
    const value = m[2] ?? flags[++k];
    if (value === undefined) break;
    if (m[1] === 'var-file') cliVars.push({ kind: 'file', path: resolve(base, value) });
    else {
      try {
        cliVars.push(cliVar(value, '-var'));
      } catch {
        // terraform says what is wrong with it
      }
    }
  }
  return { ...(chdir !== undefined ? { dir: base } : {}), cliVars };
}

/** Shell-like words (quotes and backslashes), as Terraform splits TF_CLI_ARGS. */
export function shellWords(text: string | undefined): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < (text ?? '').length; i++) {
    const c = (text ?? '')[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < (text ?? '').length) word = (word ?? '') + (text ?? '')[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < (text ?? '').length) word = (word ?? '') + (text ?? '')[++i];
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Index of the first argument that is not an option of exec itself (no `--` form). */
function firstPositional(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--dir' || a === '--profile') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return i;
  }
  return args.length;
}

function runChild(command: string[], cli: Cli): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...rest] = command;
    const child = spawn(cmd ?? '', rest, { stdio: 'inherit', env: { ...cli.env } as NodeJS.ProcessEnv, cwd: cli.cwd });
    // Ctrl-C, Ctrl-\ and a closing terminal signal the whole foreground process group: the child
    // gets them itself (terraform treats a *second* interrupt as "cancel now", so they are not
    // forwarded); credguard only stays alive to pass the exit code on. SIGTERM sent to
    // credguard alone is forwarded.
    const handlers: Array<[NodeJS.Signals, () => void]> = [
      ['SIGINT', () => {}],
      ['SIGQUIT', () => {}],
      ['SIGHUP', () => {}],
      ['SIGTERM', () => void child.kill('SIGTERM')],
    ];
    for (const [s, h] of handlers) process.on(s, h);
    const done = (code: number): void => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      resolve(code);
    };
    child.on('error', (err) => {
      const e = err as NodeJS.ErrnoException;
      cli.err(`credguard exec: cannot run ${cmd}: ${e.code === 'ENOENT' ? 'command not found' : e.message}`);
      done(e.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      if (signal) done(128 + ((constants.signals as Record<string, number>)[signal] ?? 0));
      else done(code ?? 0);
    });
  });
}
