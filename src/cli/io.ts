// What a command module receives: the injected Context plus its output streams.
import { processContext, type Context } from '../core/context.js';
import { decideColor } from '../core/ui.js';

export interface Cli extends Context {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  stdoutIsTTY: boolean;
}

/** Every command module exports `run(args, cli)` returning its exit code. */
export type Command = (args: string[], cli: Cli) => Promise<number>;

export function processCli(): Cli {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    ...processContext(process.env),
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: decideColor(process.env, isTTY),
    stdoutIsTTY: isTTY,
  };
}
