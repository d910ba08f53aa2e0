// What a command module receives: the injected Context plus its output streams.
import { fstatSync, statSync, writeSync } from 'node:fs';
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

/**
 * Write straight to the file descriptor: the first touch of process.stdout builds Node's stream
 * stack (~4 ms), which a one-line answer does not need. Blocking and ordered, as process.stdout
 * is on Linux; a non-blocking pipe that is full is waited on; a closed pipe (`| head`) ends
 * the output quietly.
 */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') return;
      throw err;
    }
  }
}

export function processCli(): Cli {
  let tty: boolean | undefined;
  let color: boolean | undefined;
  const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    ...processContext(process.env),
    out: (text) => writeAll(1, line(terminalSafe(text))),
    outRaw: (text) => writeAll(1, line(text)),
    err: (text) => writeAll(2, line(terminalSafe(text))),
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
