// bin/credguard.js loads the bundles through a V8 code cache kept in <cache>/code/. What a user
// relies on: the output never depends on the cache; a cache is written once, private, and then
// used as is; anything doubtful (foreign, shared, damaged, stale, a symlink) is never read — a
// damaged cache handed to V8 can abort the process, so several tests plant exactly that, where
// reading it would crash the run; a run that died on a cache takes the cache with it; and
// CREDGUARD_NO_CODE_CACHE=1 writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, baseEnv, runCli, type RunResult } from '../helpers/cli.js';

function setup(): { home: string; code: string; env: Record<string, string>; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'credguard-codecache-'));
  const cache = join(home, 'cache');
  return { home, code: join(cache, 'code'), env: baseEnv(home, { CREDGUARD_CACHE_DIR: cache }), cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** The cache file of one bundle: `<bundle>-<hash>.v8`. */
function cacheFile(code: string, bundle: string): string {
  const names = readdirSync(code).filter((n) => n.startsWith(`${bundle}-`) && n.endsWith('.v8'));
  assert.equal(names.length, 1, `one cache file for ${bundle}: ${names.join(', ')}`);
  return join(code, names[0] ?? '');
}

/** The right key line, and V8 data whose end is zeroed (lost blocks): what V8 may abort on. */
function damaged(good: Buffer): Buffer {
  const copy = Buffer.from(good);
  copy.fill(0, Math.max(copy.indexOf(10) + 1, copy.length - 8192));
  return copy;
}

const SCAN_ARGS = ['scan', '--format', 'json'];

/** `--version` without a cache (the expected output), then once more to write main's cache. */
function primed(env: Record<string, string>, home: string, code: string): { expected: RunResult; file: string; good: Buffer } {
  const expected = runCli(['--version'], { env: { ...env, CREDGUARD_NO_CODE_CACHE: '1' }, cwd: home });
  runCli(['--version'], { env, cwd: home });
  const file = cacheFile(code, 'main');
  return { expected, file, good: readFileSync(file) };
}

test('the first run writes a private cache per bundle; the next run uses it without rewriting', () => {
  const { home, code, env, cleanup } = setup();
  try {
    writeFileSync(join(home, 'main.tf'), 'provider "aws" {\n  access_key = "AKIAIOSFODNN7EXAMPLE"\n}\n');
    const plain = runCli(SCAN_ARGS, { env: { ...env, CREDGUARD_NO_CODE_CACHE: '1' }, cwd: home });
    assert.equal(plain.code, 1, plain.stderr);
    assert.equal(existsSync(code), false, 'CREDGUARD_NO_CODE_CACHE=1 writes nothing');

    const first = runCli(SCAN_ARGS, { env, cwd: home });
    assert.deepEqual([first.code, first.stdout, first.stderr], [plain.code, plain.stdout, plain.stderr]);
    assert.equal(statSync(code).mode & 0o777, 0o700);
    const file = cacheFile(code, 'scan');
    const st = statSync(file);
    assert.equal(st.mode & 0o777, 0o600);
    assert.match(readFileSync(file).subarray(0, 200).toString('latin1'), new RegExp(`^credguard-v8 ${process.version.replace(/\./g, '\\.')} ${process.arch} \\d+ [\\d.]+ [\\d.]+ \\d+ \\d+\\n`));

    const second = runCli(SCAN_ARGS, { env, cwd: home });
    assert.deepEqual([second.code, second.stdout, second.stderr], [plain.code, plain.stdout, plain.stderr]);
    const again = statSync(file);
    assert.deepEqual([again.ino, again.mtimeMs], [st.ino, st.mtimeMs], 'an accepted cache is not written again');
    assert.deepEqual(readdirSync(code).filter((n) => !n.endsWith('.v8')), [], 'no marks or temp files are left behind');
  } finally {
    cleanup();
  }
});

test('a damaged, stale-keyed or shared cache file is replaced by a good one', () => {
  const { home, code, env, cleanup } = setup();
  try {
    const { expected, file, good } = primed(env, home, code);
    const keyLine = good.subarray(0, good.indexOf(10) + 1);
    const bad: Array<[string, Buffer, number]> = [
      ['garbage after the right key', Buffer.concat([keyLine, Buffer.alloc(4096, 0x41)]), 0o600],
      ['another key (an older build)', Buffer.concat([Buffer.from('credguard-v8 v0.0.0 x64 1 1 1 1 1\n'), good.subarray(keyLine.length)]), 0o600],
      ['writable by others, damaged', damaged(good), 0o666],
      ['empty', Buffer.alloc(0), 0o600],
    ];
    for (const [what, bytes, mode] of bad) {
      writeFileSync(file, bytes);
      chmodSync(file, mode);
      const r = runCli(['--version'], { env, cwd: home });
      assert.deepEqual([r.code, r.stdout, r.stderr], [expected.code, expected.stdout, expected.stderr], what);
      const after = readFileSync(file);
      assert.ok(after.subarray(0, keyLine.length).equals(keyLine) && after.length > keyLine.length + 100 && !after.equals(bytes), `${what}: rewritten with the right key`);
      assert.equal(statSync(file).mode & 0o777, 0o600, `${what}: private again`);
    }
  } finally {
    cleanup();
  }
});

test('a run that died on a damaged cache takes it along: the next run works and writes a good one', () => {
  const { home, code, env, cleanup } = setup();
  try {
    const { expected, file, good } = primed(env, home, code);
    writeFileSync(file, damaged(good));
    // V8 may abort on it (it does on Node 20); whatever this run does, the next must work
    runCli(['--version'], { env, cwd: home });
    const next = runCli(['--version'], { env, cwd: home });
    assert.deepEqual([next.code, next.stdout], [expected.code, expected.stdout], next.stderr);
    const third = runCli(['--version'], { env, cwd: home });
    assert.deepEqual([third.code, third.stdout], [expected.code, expected.stdout], third.stderr);
    assert.ok(!readFileSync(file).equals(damaged(good)), 'the damaged cache is gone');
    assert.deepEqual(readdirSync(code).filter((n) => n.endsWith('.using')), []);
  } finally {
    cleanup();
  }
});

test('a symlink in place of a cache file is not followed: its target is neither read nor written', () => {
  const { home, code, env, cleanup } = setup();
  try {
    const { file, good } = primed(env, home, code);
    const target = join(home, 'target');
    writeFileSync(target, damaged(good), { mode: 0o600 }); // would abort V8 if read
    const before = readFileSync(target);
    rmSync(file);
    symlinkSync(target, file);
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(target).equals(before), 'the link target is untouched');
    assert.ok(lstatSync(file).isFile(), 'the link was replaced by a regular file');
  } finally {
    cleanup();
  }
});

test('a code directory open to others is neither read nor written', () => {
  const { home, code, env, cleanup } = setup();
  try {
    const { file, good } = primed(env, home, code);
    const planted = damaged(good); // the right key: only the directory check keeps it out
    writeFileSync(file, planted);
    chmodSync(code, 0o777);
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(file).equals(planted));
  } finally {
    cleanup();
  }
});

test('a cache file of another user is never read', { skip: process.getuid?.() !== 0 ? 'needs root to give a file away' : false }, () => {
  const { home, code, env, cleanup } = setup();
  try {
    const { file, good } = primed(env, home, code);
    writeFileSync(file, damaged(good)); // the right key: only the owner check keeps it out
    chownSync(file, 65534, 65534);
    const ino = statSync(file).ino;
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    const st = statSync(file);
    assert.equal(st.uid, 0, 'replaced by a file of ours');
    assert.notEqual(st.ino, ino);
  } finally {
    cleanup();
  }
});

test('a rebuilt bundle of the same size and mtime (cp -p, tar) is not run from the old cache', () => {
  const { home, env, cleanup } = setup();
  try {
    // an install of our own, so that its bundle can be changed
    const install = join(home, 'install');
    for (const dir of ['bin', 'dist']) cpSync(join(ROOT, dir), join(install, dir), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
    const bin = join(install, 'bin', 'credguard.js');
    const run = (): string => spawnSync(process.execPath, [bin, 'help'], { env, cwd: home, encoding: 'utf8' }).stdout;
    assert.match(run(), /know what Terraform will do/);
    run(); // cached
    const main = join(install, 'dist', 'bundle', 'main.js');
    const ref = join(home, 'timestamps');
    writeFileSync(ref, '');
    assert.equal(spawnSync('touch', ['-r', main, ref]).status, 0); // keeps the nanoseconds
    const st = statSync(main, { bigint: true });
    const text = readFileSync(main, 'utf8');
    assert.ok(text.includes('know what Terraform will do'));
    writeFileSync(main, text.replace('know what Terraform will do', 'KNOW WHAT TERRAFORM WILL DO'));
    assert.equal(spawnSync('touch', ['-r', ref, main]).status, 0);
    const now = statSync(main, { bigint: true });
    assert.deepEqual([now.size, now.mtimeNs, now.ino], [st.size, st.mtimeNs, st.ino], 'same size, mtime and inode');
    assert.match(run(), /KNOW WHAT TERRAFORM WILL DO/);
  } finally {
    cleanup();
  }
});

test('a cache that cannot be written leaves no temp files; old files go, recent ones stay', () => {
  const { code, env, home, cleanup } = setup();
  try {
    runCli(['--version'], { env, cwd: home });
    const file = cacheFile(code, 'main');
    rmSync(file);
    mkdirSync(file); // the rename onto it fails
    for (let i = 0; i < 3; i++) assert.equal(runCli(['--version'], { env, cwd: home }).code, 0);
    assert.deepEqual(readdirSync(code).filter((n) => n.endsWith('.tmp')), []);
    rmSync(file, { recursive: true });

    const old = join(code, 'scan-00000000.v8');
    const recent = join(code, 'scan-11111111.v8');
    for (const f of [old, recent]) writeFileSync(f, 'x', { mode: 0o600 });
    const longAgo = (Date.now() - 31 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, longAgo, longAgo);
    runCli(['--version'], { env, cwd: home });
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(recent), true);
  } finally {
    cleanup();
  }
});

test('a symlinked cache directory gets no code cache written through it; a relative one is not used', () => {
  const { home, env, cleanup } = setup();
  try {
    const real = join(home, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, env['CREDGUARD_CACHE_DIR'] ?? '');
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(real), []);
    const rel = runCli(['--version'], { env: { ...env, CREDGUARD_CACHE_DIR: 'rel-cache' }, cwd: home });
    assert.equal(rel.code, 0, rel.stderr);
    assert.equal(existsSync(join(home, 'rel-cache', 'code')), false);
  } finally {
    cleanup();
  }
});
