import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTopLevel, loadConfig, readSection } from '../../src/core/config.js';
import { UserError } from '../../src/core/errors.js';
import { coreSettings } from '../../src/core/identity.js';

const dirWith = (name: string, text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'credguard-config-'));
  writeFileSync(join(dir, name), text);
  return dir;
};

test('no config file: defaults, and cosmiconfig is not even loaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'credguard-config-'));
  const c = await loadConfig(dir);
  assert.deepEqual(c.raw, {});
  assert.deepEqual(coreSettings(c), { ttlMs: 300_000, failureTtlMs: 30_000, timeoutMs: 3000 });
});

test('.credguardrc.json, package.json "credguard" and yaml are found', async () => {
  assert.equal((await loadConfig(dirWith('.credguardrc.json', '{"sts":{"timeoutMs":1500}}'))).raw['sts'] !== undefined, true);
  const pkg = await loadConfig(dirWith('package.json', '{"name":"x","credguard":{"cache":{"ttlSeconds":60}}}'));
  assert.equal(coreSettings(pkg).ttlMs, 60_000);
  const yaml = await loadConfig(dirWith('.credguardrc.yaml', 'sts:\n  timeoutMs: 900\n'));
  assert.equal(coreSettings(yaml).timeoutMs, 900);
});

test('errors name the file and the key', async () => {
  const bad = await loadConfig(dirWith('.credguardrc.json', '{"cache":{"ttlSecs":5}}'));
  assert.throws(() => coreSettings(bad), (e: unknown) => e instanceof UserError && /\.credguardrc\.json: unknown key "cache\.ttlSecs"/.test(e.message));
  const typo = await loadConfig(dirWith('.credguardrc.json', '{"promtp":{}}'));
  assert.throws(() => checkTopLevel(typo), /unknown section "promtp"/);
  await assert.rejects(loadConfig(dirWith('.credguardrc.json', '{not json')), (e: unknown) => e instanceof UserError && /credguardrc\.json/.test(e.message));
  assert.throws(() => readSection({ raw: { sts: 5 }, filepath: '/x/.credguardrc' }, 'sts', { timeoutMs: 1 }), /"sts" must be an object/);
});
