// Reading files for the scan (src/scan/files.ts): one reused buffer, grown for large files,
// with the same decisions for every size — text, latin1 for non-UTF-8, binary with a NUL —
// and files above maxBytes refused with their real size, never read whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSource } from '../../src/scan/files.js';
import { tempDir } from './helpers.js';

const MB = 1024 * 1024;
const KEY = 'AKIAIOSFODNN7EXAMPLE';

test('files larger than the first read are read whole, in any order of sizes', () => {
  const { dir, cleanup } = tempDir('files-sizes');
  try {
    // the 1 MiB boundary first, while the reused buffer still has its first size
    const sizes = [10, MB - 1, MB, 100, MB + 1, 3 * MB + 7, 5 * MB];
    for (const size of sizes) {
      const path = join(dir, `f${size}.tf`);
      // the key sits at the very end: a short read would miss it
      writeFileSync(path, `${'#'.repeat(Math.max(0, size - KEY.length - 1))}\n${KEY}`.slice(-size));
      const file = readSource(path, `f${size}.tf`, 10 * MB);
      assert.equal(file.text?.length, size, `size ${size}`);
      assert.ok(file.text?.endsWith(KEY.slice(-Math.min(size, KEY.length))), `size ${size}: the end was read`);
      assert.equal(file.latin1, undefined);
    }
  } finally {
    cleanup();
  }
});

test('a file above maxBytes is refused with its size; non-UTF-8 and binary files keep their decisions past the first read', () => {
  const { dir, cleanup } = tempDir('files-limits');
  try {
    writeFileSync(join(dir, 'big.tf'), Buffer.alloc(3 * MB, 0x61));
    const big = readSource(join(dir, 'big.tf'), 'big.tf', 2 * MB);
    assert.equal(big.text, undefined);
    assert.match(big.skipped ?? '', /larger than 2\.0 MB \(3\.0 MB\)/);
    const small = readSource(join(dir, 'big.tf'), 'big.tf', 1000);
    assert.match(small.skipped ?? '', /larger than 1000 bytes/);

    // latin1 byte after the first MiB: the whole file is checked, not the first read only
    writeFileSync(join(dir, 'latin.tf'), Buffer.concat([Buffer.alloc(2 * MB, 0x61), Buffer.from([0xe9]), Buffer.from(KEY)]));
    const latin = readSource(join(dir, 'latin.tf'), 'latin.tf', 10 * MB);
    assert.equal(latin.latin1, true);
    assert.ok(latin.text?.endsWith(`é${KEY}`));

    writeFileSync(join(dir, 'bin.tf'), Buffer.concat([Buffer.from([0]), Buffer.alloc(2 * MB, 0x61), Buffer.from(KEY)]));
    const bin = readSource(join(dir, 'bin.tf'), 'bin.tf', 10 * MB);
    assert.equal(bin.binary, true);
    assert.ok(bin.text?.endsWith(KEY));

    const missing = readSource(join(dir, 'nope.tf'), 'nope.tf', 10 * MB);
    assert.match(missing.skipped ?? '', /not readable \(ENOENT\)/);
  } finally {
    cleanup();
  }
});
