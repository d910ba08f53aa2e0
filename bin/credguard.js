#!/usr/bin/env node
// Entry point. All logic is in dist/bundle/ (one bundle per command, each with the
// dispatcher), built by `npm install` (prepare). The pre-commit hook, the direnv check and the
// prompt's refresh pay Node's start-up on every run, so this file does one thing more than
// start the command: it loads the bundle with a V8 code cache (Node 20 has no
// module.enableCompileCache), which saves compiling it again on every run — a few ms, a third
// of what env-check costs over a bare `node -e 0` (README, "Benchmarks").
//
// The code cache lives in <credguard cache>/code/<bundle>-<hash>.v8, 0600 in a 0700 directory
// of ours; the hash of the bundle's path and the Node version keeps two installs (pre-commit's
// and a global one) from overwriting each other's. V8 checks only a cache's length against the
// source, so each file starts with a key line — Node version, arch, and the bundle's size,
// mtime, ctime, inode and device, which a copy that keeps mtimes (tar, cp -p) cannot forge —
// and is used only when that matches. V8 data is code: a file, or a directory, that is not
// ours and private is never read. V8 does not checksum cached data, and a damaged file can
// abort the process inside V8; so files are fsynced before they replace the old one, and a run
// marks the cache it uses (<file>.<pid>.using) until it ends: a mark left by a process that is
// gone means that run died, and the cache goes with it. Any doubt means compiling as usual.
// Files unused for 30 days are removed when a new one is written. CREDGUARD_NO_CODE_CACHE=1
// turns all of it off.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLES = path.join(__dirname, '..', 'dist', 'bundle');
const STALE_MS = 30 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const codeDir = _codeDir(process.env);
// Registered where the module-tracing test preload (test/helpers/trace-loads.mjs) finds it.
const loaded = new Map();
globalThis[Symbol.for('credguard.bundles')] = loaded;
const toWrite = [];
const marks = [];

/** <cache root>/code, the root found as src/core/cache.ts finds it; undefined: no code cache. */
function _codeDir(env) {
  if (env.CREDGUARD_NO_CODE_CACHE || typeof process.getuid !== 'function') return undefined;
  let root = env.CREDGUARD_CACHE_DIR || (env.XDG_CACHE_HOME && path.join(env.XDG_CACHE_HOME, 'credguard'));
  if (!root) {
    try {
      root = path.join(env.HOME || require('node:os').homedir(), '.cache', 'credguard');
    } catch {
      return undefined; // no HOME and no passwd entry: the command says what it needs
    }
  }
  // relative to where credguard happens to run (a scanned repository) is no place for code
  return path.isAbsolute(root) ? path.join(root, 'code') : undefined;
}

/**
 * FNV-1a, 32 bit (core/hash.ts's fnv1a; this file runs before any bundle, so it has its own):
 * a file name, not a security boundary (the key line and ownership are).
 */
function _fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Ours and private: owned by this user, writable by nobody else. */
function _private(st) {
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** The cache root and code/ are real directories (a symlink is refused, as cache.ts does), ours and private. */
function _dirsOurs() {
  for (const dir of [path.dirname(codeDir), codeDir]) {
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!st || !st.isDirectory() || !_private(st)) return false;
  }
  return true;
}

function _alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** A run that used `file` and died (a mark of a process that is gone) takes the cache with it. */
function _dropIfARunDied(file) {
  const prefix = `${path.basename(file)}.`;
  for (const name of fs.readdirSync(codeDir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.using')) continue;
    if (_alive(Number(name.slice(prefix.length, -'.using'.length)))) continue;
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(codeDir, name), { force: true });
  }
}

function _readCache(file, key) {
  let fd;
  try {
    if (!_dirsOurs()) return undefined;
    _dropIfARunDied(file);
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !_private(st) || st.size > 64 * 1024 * 1024) return undefined;
    const data = fs.readFileSync(fd);
    const head = Buffer.from(`${key}\n`);
    if (!data.subarray(0, head.length).equals(head)) return undefined;
    const mark = `${file}.${process.pid}.using`;
    fs.closeSync(fs.openSync(mark, 'w', 0o600));
    marks.push(mark);
    if (Date.now() - st.mtimeMs > DAY_MS) fs.futimesSync(fd, new Date(), new Date()); // in use: not stale
    return data.subarray(head.length);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function _writeCaches() {
  if (toWrite.length === 0) return;
  let tmp;
  try {
    const root = path.dirname(codeDir);
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(root);
    if (!st.isDirectory() || !_private(st)) return; // never create code/ through a link
    if (!fs.existsSync(codeDir)) fs.mkdirSync(codeDir, { mode: 0o700 });
    if (!_dirsOurs()) return;
    for (const { file, key, script } of toWrite) {
      tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      const fd = fs.openSync(tmp, 'wx', 0o600);
      try {
        fs.writeSync(fd, Buffer.concat([Buffer.from(`${key}\n`), script.createCachedData()]));
        fs.fsyncSync(fd); // durable before it replaces anything: a power cut leaves old or new, never half
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
      tmp = undefined;
    }
    _removeStale(new Set(toWrite.map((w) => w.file)));
  } catch {
    // A cache that cannot be written costs speed on the next run, never correctness.
    if (tmp) fs.rmSync(tmp, { force: true });
  }
}

/** Caches of old versions and other installs, and temp files and marks of interrupted runs. */
function _removeStale(keep) {
  const cutoff = Date.now() - STALE_MS;
  for (const name of fs.readdirSync(codeDir)) {
    const file = path.join(codeDir, name);
    try {
      if (!keep.has(file) && fs.lstatSync(file).mtimeMs < cutoff) fs.unlinkSync(file);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** require() for a bundle: sibling bundles through this loader, everything else as usual. */
function _requireFrom(id) {
  return id.startsWith('./') ? _load(path.join(BUNDLES, id)) : require(id);
}

/** The bundle's source and a key for its code cache, read through one descriptor. */
function _source(filename) {
  const fd = fs.openSync(filename, 'r');
  try {
    const st = fs.fstatSync(fd);
    const key = `credguard-v8 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.dev}`;
    return { source: fs.readFileSync(fd, 'utf8'), key };
  } finally {
    fs.closeSync(fd);
  }
}

function _load(filename) {
  const cached = loaded.get(filename);
  if (cached) return cached.exports;
  const { source, key } = _source(filename);
  const module = { exports: {} };
  loaded.set(filename, module);
  let cachedData;
  let file;
  if (codeDir) {
    file = path.join(codeDir, `${path.basename(filename, '.js')}-${_fnv(`${filename}\0${process.version}\0${process.arch}`)}.v8`);
    cachedData = _readCache(file, key);
  }
  // The same wrapper as Node's CommonJS loader, on the first line so line numbers still match.
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapper, { filename, cachedData });
  if (codeDir && (cachedData === undefined || script.cachedDataRejected)) toWrite.push({ file, key, script });
  script.runInThisContext().call(module.exports, module.exports, _requireFrom, module, filename, path.dirname(filename));
  return module.exports;
}

/** The command's own bundle (dispatcher included), else main.js for help, --version, typos. */
function _entry(command) {
  if (/^[a-z][a-z-]*$/.test(command ?? '')) {
    const file = path.join(BUNDLES, `${command}.js`);
    try {
      return _load(file);
    } catch (err) {
      if (err.code !== 'ENOENT' || err.path !== file) throw err;
    }
  }
  return _load(path.join(BUNDLES, 'main.js'));
}

let entry;
try {
  entry = _entry(process.argv[2]);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
  process.stderr.write(`credguard: it is not built (${err.path} is missing).\nhint: run 'npm install' (or 'npm run build') in ${path.dirname(__dirname)}.\n`);
  process.exit(2);
}
entry.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // After the run, so the cache also holds the functions V8 compiled lazily while it ran.
  _writeCaches();
  for (const mark of marks) {
    try {
      fs.unlinkSync(mark);
    } catch {
      // removed already (a cleared cache directory): nothing to undo
    }
  }
});
