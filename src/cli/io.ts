// What a command module receives: the injected Context plus its output streams.
import { fstatSync, statSync } from 'node:fs';
import { processContext, type Context } from '../core/context.js';
import { decideColor, terminalSafe } from '../core/ui.js';

export interface Cli extends Context {
  /** Standard output, made terminal-safe (see terminalSafe). */
  out: (text: string) => void;
  /** Standard output exactly as given: only for the prompt segment, which carries its own escapes. */
  outRaw: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  stdoutIsTTY: boolean;
}

/** Every command module exports `run(args, cli)` returning its exit code. */
export type Command = (args: string[], cli: Cli) => Promise<number>;

/**
 * isatty without `node:tty`: touching process.stdout (or requiring tty) loads Node's whole
 * stream stack, ~10 ms that a silent pre-commit scan or direnv check would pay for nothing.
 * A terminal is a character device other than /dev/null.
 */
export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

export function processCli(): Cli {
  let tty: boolean | undefined;
  let color: boolean | undefined;
  const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    ...processContext(process.env),
    out: (text) => void process.stdout.write(line(terminalSafe(text))),
    outRaw: (text) => void process.stdout.write(line(text)),
    err: (text) => void process.stderr.write(line(terminalSafe(text))),
    get stdoutIsTTY() {
      tty ??= isTerminal(1);
      return tty;
    },
    get color() {
      color ??= decideColor(process.env, this.stdoutIsTTY);
      return color;
    },
  };
}
