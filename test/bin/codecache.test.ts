// bin/credguard.js loads the bundles through a V8 code cache kept in <cache>/code/. What a user
// relies on: the output never depends on the cache; a cache is written once, private, and then
// used as is; anything doubtful (foreign, shared, corrupt, stale, a symlink) is never read, and
// CREDGUARD_NO_CODE_CACHE=1 writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, runCli } from '../helpers/cli.js';

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

const SCAN_ARGS = ['scan', '--format', 'json'];

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
    assert.match(readFileSync(file).subarray(0, 200).toString('latin1'), new RegExp(`^credguard-v8 ${process.version.replace(/\./g, '\\.')} ${process.arch} \\d+ [\\d.]+\\n`));

    const second = runCli(SCAN_ARGS, { env, cwd: home });
    assert.deepEqual([second.code, second.stdout, second.stderr], [plain.code, plain.stdout, plain.stderr]);
    const again = statSync(file);
    assert.deepEqual([again.ino, again.mtimeMs], [st.ino, st.mtimeMs], 'an accepted cache is not written again');
  } finally {
    cleanup();
  }
});

test('a corrupt, stale-keyed or shared cache file is never used, and is replaced by a good one', () => {
  const { home, code, env, cleanup } = setup();
  try {
    const expected = runCli(['--version'], { env: { ...env, CREDGUARD_NO_CODE_CACHE: '1' }, cwd: home });
    runCli(['--version'], { env, cwd: home });
    const file = cacheFile(code, 'main');
    const good = readFileSync(file);
    const keyLine = good.subarray(0, good.indexOf(10) + 1);
    const bad: Array<[string, Buffer, number]> = [
      ['garbage after the right key', Buffer.concat([keyLine, Buffer.alloc(4096, 0x41)]), 0o600],
      ['another key (an older build)', Buffer.concat([Buffer.from('credguard-v8 v0.0.0 x64 1 1\n'), good.subarray(keyLine.length)]), 0o600],
      ['writable by others', good, 0o666],
      ['empty', Buffer.alloc(0), 0o600],
    ];
    for (const [what, bytes, mode] of bad) {
      writeFileSync(file, bytes);
      chmodSync(file, mode);
      const r = runCli(['--version'], { env, cwd: home });
      assert.deepEqual([r.code, r.stdout, r.stderr], [expected.code, expected.stdout, expected.stderr], what);
      const after = readFileSync(file);
      assert.ok(after.subarray(0, keyLine.length).equals(keyLine) && after.length > keyLine.length + 100, `${what}: rewritten with the right key`);
      assert.equal(statSync(file).mode & 0o777, 0o600, `${what}: private again`);
    }
  } finally {
    cleanup();
  }
});

test('a symlink in place of a cache file is not followed: its target is neither read nor written', () => {
  const { home, code, env, cleanup } = setup();
  try {
    runCli(['--version'], { env, cwd: home });
    const file = cacheFile(code, 'main');
    const target = join(home, 'target');
    writeFileSync(target, readFileSync(file));
    const before = readFileSync(target);
    rmSync(file);
    symlinkSync(target, file);
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(target).equals(before), 'the link target is untouched');
    assert.equal(statSync(file).isFile() && !readdirSync(code).includes('target'), true);
  } finally {
    cleanup();
  }
});

test('a code directory open to others is neither read nor written', () => {
  const { home, code, env, cleanup } = setup();
  try {
    runCli(['--version'], { env, cwd: home });
    const file = cacheFile(code, 'main');
    writeFileSync(file, 'planted\n');
    chmodSync(file, 0o600);
    chmodSync(code, 0o777);
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'planted\n');
  } finally {
    cleanup();
  }
});

test('a cache file of another user is never read', { skip: process.getuid?.() !== 0 ? 'needs root to give a file away' : false }, () => {
  const { home, code, env, cleanup } = setup();
  try {
    runCli(['--version'], { env, cwd: home });
    const file = cacheFile(code, 'main');
    writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, readFileSync(file).indexOf(10) + 1), Buffer.alloc(4096, 0x42)]));
    chownSync(file, 65534, 65534);
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(file).uid, 0, 'replaced by a file of ours');
  } finally {
    cleanup();
  }
});

test('writing a cache removes files unused for 30 days, and keeps recent ones', () => {
  const { code, env, home, cleanup } = setup();
  try {
    mkdirSync(code, { recursive: true, mode: 0o700 });
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

test('a symlinked cache directory gets no code cache written through it', () => {
  const { home, env, cleanup } = setup();
  try {
    const real = join(home, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, env['CREDGUARD_CACHE_DIR'] ?? '');
    const r = runCli(['--version'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(real), []);
  } finally {
    cleanup();
  }
});
