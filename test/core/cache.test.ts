import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, ensureDir, openCache, tryLock, writeAtomic } from '../../src/core/cache.js';
import { UserError } from '../../src/core/errors.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'credguard-cache-'));

test('cache location: CREDGUARD_CACHE_DIR > XDG_CACHE_HOME/credguard > ~/.cache/credguard', () => {
  assert.equal(cacheDir({ CREDGUARD_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, '/h'), '/c');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }, '/h'), '/x/credguard');
  assert.equal(cacheDir({}, '/h'), '/h/.cache/credguard');
});

test('directories are created 0700 and loose permissions are tightened', () => {
  const dir = join(tmp(), 'a', 'b');
  ensureDir(dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const loose = join(tmp(), 'loose');
  mkdirSync(loose, { mode: 0o755 });
  ensureDir(loose);
  assert.equal(statSync(loose).mode & 0o777, 0o700);
});

test('a symlinked cache directory is refused', () => {
  const base = tmp();
  mkdirSync(join(base, 'real'));
  symlinkSync(join(base, 'real'), join(base, 'link'));
  assert.throws(() => ensureDir(join(base, 'link')), (e: unknown) => e instanceof UserError && /is a symlink/.test(e.message));
});

test('a cache directory owned by another user is refused', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, () => {
  const dir = join(tmp(), 'foreign');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, 65534, 65534);
  assert.throws(() => ensureDir(dir), (e: unknown) => e instanceof UserError && /belongs to another user/.test(e.message));
});

test('atomic writes leave 0600 files and no temp files', () => {
  const store = openCache(join(tmp(), 'c'));
  const dir = store.dir('identity');
  const path = join(dir, 'x.json');
  writeAtomic(path, 'one');
  writeAtomic(path, 'two');
  assert.equal(readFileSync(path, 'utf8'), 'two');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['x.json']);
});

test('locks are exclusive, released, and broken when stale', () => {
  const dir = tmp();
  const path = join(dir, 'ctx.lock');
  const release = tryLock(path);
  assert.ok(release);
  assert.equal(tryLock(path), undefined, 'a held lock cannot be taken twice');
  release();
  const again = tryLock(path);
  assert.ok(again, 'a released lock can be taken');
  // simulate a crashed holder: an old lock file is broken
  writeFileSync(path, '999999\n');
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(path, old, old);
  assert.ok(tryLock(path, 30_000), 'a stale lock is broken');
});

test("a holder whose lock was broken as stale does not release the new holder's lock", () => {
  const path = join(tmp(), 'ctx.lock');
  const first = tryLock(path);
  assert.ok(first);
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(path, old, old);
  const second = tryLock(path, 30_000);
  assert.ok(second, 'the stale lock was broken and taken');
  first();
  assert.equal(tryLock(path), undefined, "the first holder's release left the second's lock in place");
  second();
  assert.ok(tryLock(path), 'released by its owner');
});
