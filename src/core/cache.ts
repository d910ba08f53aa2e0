// The shared cache (DESIGN.md "The shared cache"):
//   $CREDGUARD_CACHE_DIR, else $XDG_CACHE_HOME/credguard, else ~/.cache/credguard
//   ├── identity/<fnv96(context key)>.json    identity entries (never a secret)
//   ├── identity/ini-<fingerprint>.json       the SDK's parse of ~/.aws files, secrets masked
//   ├── prompt/<context name>.state           shell-readable prompt state (see state.ts)
//   ├── locks/<name>.lock                     refresh locks (exclusive create, stale after LOCK_STALE_MS)
//   ├── terraform/tfsum-*.json, tfchk-*.json  doctor/check's summary of a Terraform directory
//   └── code/<bundle>-<hash>.v8               V8 code cache of the CLI bundles (bin/credguard.js)
// Directories 0700, files 0600, writes atomic (temp file + rename). A cache dir that is a
// symlink or owned by another user is refused with a clear error and nothing is written.
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from './hash.js';
import type { Env } from './context.js';
import { UserError } from './errors.js';

export const LOCK_STALE_MS = 30_000;

export function cacheDir(env: Env, home: string): string {
  if (env['CREDGUARD_CACHE_DIR']) return env['CREDGUARD_CACHE_DIR'];
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'credguard');
  return join(home, '.cache', 'credguard');
}

/** Create (0700) or verify a cache directory; refuse symlinks and directories of other users. */
export function ensureDir(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cacheError(dir, (err as Error).message);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw cacheError(dir, (e as Error).message);
    }
    st = lstatSync(dir);
  }
  if (st.isSymbolicLink()) {
    throw new UserError(`The cache directory ${dir} is a symlink; credguard refuses to write through it.`, 'Remove the link, or point CREDGUARD_CACHE_DIR at a directory you own.');
  }
  if (!st.isDirectory()) throw cacheError(dir, 'it is not a directory');
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && st.uid !== uid) {
    throw new UserError(`The cache directory ${dir} belongs to another user (uid ${st.uid}); credguard refuses to use it.`, 'Point CREDGUARD_CACHE_DIR at a directory you own.');
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function cacheError(dir: string, why: string): UserError {
  return new UserError(`Cannot use the cache directory ${dir}: ${why}.`, 'Check its permissions, or set CREDGUARD_CACHE_DIR to a writable directory.');
}

export interface CacheStore {
  root: string;
  /** Subdirectory, created and verified on first use. */
  dir: (name: 'identity' | 'prompt' | 'locks' | 'terraform') => string;
  writeAtomic: (path: string, text: string) => void;
  readText: (path: string) => string | undefined;
  remove: (path: string) => void;
}

export function openCache(root: string): CacheStore {
  const verified = new Set<string>();
  const dir = (name: string): string => {
    if (!verified.has(root)) {
      ensureDir(root);
      verified.add(root);
    }
    const sub = join(root, name);
    if (!verified.has(sub)) {
      ensureDir(sub);
      verified.add(sub);
    }
    return sub;
  };
  return { root, dir, writeAtomic, readText, remove: (path) => rmSync(path, { force: true }) };
}

/** A directory we may trust: exists, is no symlink, belongs to us. Never creates anything. */
function trusted(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    return st.isDirectory() && (uid === undefined || st.uid === uid);
  } catch {
    return false;
  }
}

/**
 * The cache for readers that must not write (env-check): undefined when the root is missing
 * or not trusted; `dir` of an untrusted subdirectory throws, and writes always throw.
 */
export function openCacheReadOnly(root: string): CacheStore | undefined {
  if (!trusted(root)) return undefined;
  const refuse = (): never => {
    throw new Error('this cache view is read-only');
  };
  return {
    root,
    dir: (name) => {
      const sub = join(root, name);
      if (!trusted(sub)) throw new UserError(`The cache directory ${sub} is not trusted.`);
      return sub;
    },
    writeAtomic: refuse,
    readText,
    remove: refuse,
  };
}

/** Write to a 0600 temp file in the same directory, then rename over the target. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomHex(4)}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Take an exclusive lock by creating `path` with O_EXCL; the file holds our pid and a nonce.
 * A lock older than `staleMs` is considered abandoned (its holder crashed) and is broken by
 * renaming it away — an atomic step only one breaker can win; a breaker that finds it took a
 * fresh lock (another breaker re-created it in between) puts it back. Release removes the
 * file only while it is still ours. Returns a release function, or undefined when another
 * process holds the lock.
 */
export function tryLock(path: string, staleMs = LOCK_STALE_MS, now = Date.now()): (() => void) | undefined {
  const token = `${process.pid} ${randomHex(8)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, token);
      closeSync(fd);
      return () => {
        if (readText(path) === token) rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let age: number;
      try {
        age = now - statSync(path).mtimeMs;
      } catch {
        continue; // released between our attempt and the stat: try again
      }
      if (age < staleMs) return undefined;
      breakStale(path, staleMs, now);
    }
  }
  return undefined;
}

function breakStale(path: string, staleMs: number, now: number): void {
  const aside = `${path}.${randomHex(6)}.broken`;
  try {
    renameSync(path, aside);
  } catch {
    return; // another breaker won
  }
  try {
    if (now - statSync(aside).mtimeMs < staleMs) {
      // We took a lock someone created after the stale one was broken: give it back, unless
      // the path is taken again already (then that holder's lock stands and this one lapses).
      try {
        linkSync(aside, path);
      } catch {
        // EEXIST: leave it
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}
