// The injected world every pure function of credguard sees: environment, home, cwd, clock and
// a file reader. Only src/cli builds one from `process`; tests build their own.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { builtin } from './builtin.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Result of reading a file: its text, or why it could not be read. Never throws. */
export type FileRead =
  | { ok: true; text: string; mtimeMs: number }
  | { ok: false; missing: boolean; error: string };

export interface Context {
  env: Env;
  home: string;
  cwd: string;
  /** Milliseconds since the epoch. */
  now: () => number;
  readFile: (path: string) => FileRead;
  /** File names in a directory; [] when it does not exist or cannot be read. */
  listDir: (path: string) => string[];
  /** Keep the SDK's parse of ~/.aws files in the credguard cache (secrets masked). CLI only. */
  parseCache?: boolean;
}

/** Files larger than this are refused rather than read: credentials files are tiny. */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

export function readFileSafe(path: string): FileRead {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, missing: false, error: 'is a directory' };
    if (st.size > MAX_READ_BYTES) return { ok: false, missing: false, error: `is too large (${st.size} bytes)` };
    return { ok: true, text: readFileSync(path, 'utf8'), mtimeMs: st.mtimeMs };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true, error: 'does not exist' };
    return { ok: false, missing: false, error: code === 'EACCES' ? 'is not readable (permission denied)' : String((err as Error).message) };
  }
}

export function listDirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The home of a user with neither $HOME nor a passwd entry: nothing is found under it. */
export const NO_HOME = '/nonexistent';

/** Home as the AWS tools see it: $HOME first (so a fake HOME in tests is honoured). */
export function homeFrom(env: Env): string {
  if (env['HOME'] || env['USERPROFILE']) return (env['HOME'] || env['USERPROFILE']) as string;
  try {
    return (builtin('node:os') as typeof import('node:os')).homedir();
  } catch {
    return NO_HOME;
  }
}

export function processContext(env: Env = process.env): Context {
  return {
    env,
    home: homeFrom(env),
    cwd: process.cwd(),
    now: () => Date.now(),
    readFile: readFileSafe,
    listDir: listDirSafe,
    parseCache: true,
  };
}

/** Expand a leading `~/` the way the AWS CLI and Terraform do for shared file paths. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}
