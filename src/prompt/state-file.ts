// Locate and judge the prompt state file the way the shell fast paths do (no Node-only rules):
//   <cache>/prompt/<promptContextName(env)>.state, a regular file, first MAX_STATE_LINES lines,
//   whose `context` key names the file's own context (otherwise it is ignored). A well-formed
//   fast line (first line, see src/core/state.ts) supplies the keys it carries; the key=value
//   lines are the fallback, exactly as in the shells.
//   stale = missing, or no/now >= stale_after, or an AWS file newer than the state:
//     $AWS_CONFIG_FILE (else ~/.aws/config), $AWS_SHARED_CREDENTIALS_FILE (else
//     ~/.aws/credentials), ~/.aws/sso/cache/*.json (names not starting with a dot).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../core/cache.js';
import { expandHome, type Env } from '../core/context.js';
import { parseFastLine, parseState, promptContextName, type FastKey, type PromptState } from '../core/state.js';
import { MAX_STATE_LINES } from './render.js';

/** The file-system reads the prompt needs; injectable for tests. */
export interface PromptFs {
  /** Text and mtime of a regular, readable file; undefined otherwise. */
  readRegular: (path: string) => { text: string; mtimeMs: number } | undefined;
  mtimeMs: (path: string) => number | undefined;
  list: (dir: string) => string[];
}

export const nodePromptFs: PromptFs = {
  readRegular(path) {
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      return { text: readFileSync(path, 'utf8'), mtimeMs: st.mtimeMs };
    } catch {
      return undefined;
    }
  },
  mtimeMs(path) {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

export interface LoadedPromptState {
  context: string;
  cacheRoot: string;
  path: string;
  /** Parsed state, undefined when missing, unreadable or written for another context. */
  state: Partial<PromptState> | undefined;
  stale: boolean;
}

/** AWS files whose change makes the state stale (the shells check the same list). */
export function awsWatchFiles(env: Env, home: string, fs: PromptFs): string[] {
  const files = [
    env['AWS_CONFIG_FILE'] ? expandHome(env['AWS_CONFIG_FILE'], home) : join(home, '.aws', 'config'),
    env['AWS_SHARED_CREDENTIALS_FILE'] ? expandHome(env['AWS_SHARED_CREDENTIALS_FILE'], home) : join(home, '.aws', 'credentials'),
  ];
  const sso = join(home, '.aws', 'sso', 'cache');
  for (const name of fs.list(sso)) if (name.endsWith('.json') && !name.startsWith('.')) files.push(join(sso, name));
  return files;
}

export function loadPromptState(env: Env, home: string, nowSeconds: number, fs: PromptFs = nodePromptFs): LoadedPromptState {
  const context = promptContextName(env);
  const cacheRoot = cacheDir(env, home);
  const path = join(cacheRoot, 'prompt', `${context}.state`);
  const file = fs.readRegular(path);
  let state: Partial<PromptState> | undefined;
  if (file) {
    const text = file.text.split('\n').slice(0, MAX_STATE_LINES).join('\n');
    const parsed = parseState(text);
    if (parsed.context === context) state = dropLongNumbers(parsed, text);
  }
  let stale = true;
  if (state && file && state.staleAfter !== undefined && nowSeconds < state.staleAfter) {
    stale = awsWatchFiles(env, home, fs).some((f) => {
      const m = fs.mtimeMs(f);
      return m !== undefined && m > file.mtimeMs;
    });
  }
  return { context, cacheRoot, path, state, stale };
}

/** The lock `credguard refresh` holds while refreshing a context (the shells test it exists). */
export function refreshLockPath(cacheRoot: string, context: string): string {
  return join(cacheRoot, 'locks', `${context}.lock`);
}

/** The shells accept numbers of 1-15 digits (fish's math is double precision); so do we. */
function dropLongNumbers(state: Partial<PromptState>, text: string): Partial<PromptState> {
  const out = { ...state };
  const fast = parseFastLine(text);
  const keys = { expires: 'expires', checked: 'checked', staleAfter: 'stale_after', written: 'written' } as const;
  for (const [field, key] of Object.entries(keys) as Array<[keyof typeof keys, string]>) {
    let last: string | undefined = fast?.get(key as FastKey);
    if (last === undefined) for (const line of text.split('\n')) if (line.startsWith(`${key}=`)) last = line.slice(key.length + 1);
    if (last !== undefined && last.length > 15) delete out[field];
  }
  return out;
}
