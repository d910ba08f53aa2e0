// Reading the working tree: named files and directories (default: the current directory),
// walked recursively without following symlinks and without .git, .terraform, node_modules.
import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { decodeSource, tooLarge } from './decode.js';
import { credentialUsePattern } from './prefilter.js';
import type { ScanSettings } from './settings.js';
import type { SourceFile } from './types.js';

const NEVER_WALKED = new Set(['.git', '.terraform', 'node_modules']);

/** Display form of a path: relative to cwd when inside it, forward slashes. */
export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/**
 * Files to scan for the given operands. Named files are scanned whatever their extension
 * (pre-commit already filtered them); only `exclude` applies. Directories use include/exclude.
 */
export function collectPaths(cwd: string, operands: string[], settings: ScanSettings): { abs: string; path: string }[] {
  const out = new Map<string, string>();
  for (const operand of operands.length ? operands : ['.']) {
    const abs = resolve(cwd, operand);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UserError(`"${operand}" does not exist.`, 'Name existing files or directories, or run without arguments to scan the current directory.');
    }
    const path = displayPath(cwd, abs);
    if (!isDir) {
      if (!settings.exclude.matches(path)) out.set(abs, path);
      continue;
    }
    walk(abs, path === '.' ? '' : path, settings, out);
  }
  return [...out].map(([abs, path]) => ({ abs, path }));
}

function walk(absDir: string, relDir: string, settings: ScanSettings, out: Map<string, string>): void {
  let entries;
  try {
    entries = readdirSync(absDir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: nothing we can scan there
  }
  for (const entry of entries) {
    const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (NEVER_WALKED.has(entry.name) || settings.exclude.matches(`${rel}/`)) continue;
      walk(`${absDir}${sep}${entry.name}`, rel, settings, out);
    } else if (entry.isFile() && settings.include.matches(rel) && !settings.exclude.matches(rel)) {
      out.set(`${absDir}${sep}${entry.name}`, rel); // plain concatenation: path.join per file shows in profiles
    }
  }
}

/**
 * One buffer for every read of a scan, grown on demand: a tree scan reads a thousand files, and
 * a stat and a fresh buffer per file are a measurable part of its time. Files up to its size
 * take one read; a larger one is measured first (fstat) and refused above maxBytes.
 */
let shared = Buffer.allocUnsafeSlow(1024 * 1024);

export function readSource(abs: string, path: string, maxBytes: number): SourceFile {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const read = readWhole(fd, path, maxBytes);
    return typeof read === 'number' ? decodeSource(path, shared.subarray(0, read)) : read;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { path, skipped: code === 'EACCES' ? 'not readable (permission denied)' : `not readable (${code ?? 'error'})`, skipWarns: true };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The file's length, its bytes in `shared`; or the skip of a file larger than maxBytes. */
function readWhole(fd: number, path: string, maxBytes: number): number | SourceFile {
  let len = readSync(fd, shared, 0, shared.length, 0);
  // a short read of a regular file is its end
  if (len < shared.length) return len > maxBytes ? tooLarge(path, len, maxBytes) : len;
  const size = fstatSync(fd).size;
  if (size > maxBytes) return tooLarge(path, size, maxBytes);
  for (;;) {
    if (len === shared.length) {
      if (len > maxBytes) return tooLarge(path, len, maxBytes); // it grew while being read
      const bigger = Buffer.allocUnsafeSlow(Math.min(Math.max(size + 1, len * 2), maxBytes + 1));
      shared.copy(bigger, 0, 0, len);
      shared = bigger;
    }
    const n = readSync(fd, shared, len, shared.length - len, len);
    if (n === 0) return len;
    len += n;
  }
}

/**
 * The other Terraform files of the given module directories (display paths, relative to cwd),
 * from disk, that may assign one of `names` to a credential attribute: the context in which a
 * named file's `variable` default reaches a provider.
 */
export function diskSiblings(cwd: string, dirs: string[], names: string[], maxBytes: number): SourceFile[] {
  const uses = new RegExp(credentialUsePattern(names));
  const out: SourceFile[] = [];
  for (const dir of dirs) {
    const abs = resolve(cwd, dir);
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch {
      continue;
    }
    for (const name of entries) {
      if (!name.endsWith('.tf') && !name.endsWith('.tf.json')) continue;
      const file = readSource(`${abs}${sep}${name}`, dir === '.' ? name : `${dir}/${name}`, maxBytes);
      if (file.text !== undefined && uses.test(file.text)) out.push(file);
    }
  }
  return out;
}
