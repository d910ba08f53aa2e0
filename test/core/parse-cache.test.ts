import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processContext } from '../../src/core/context.js';
import { resolveCredentials } from '../../src/core/resolve.js';
import { KEYS } from '../helpers/fakectx.js';

test('the parse of ~/.aws files is cached without secrets and follows every edit', async () => {
  const home = mkdtempSync(join(tmpdir(), 'credguard-parse-'));
  mkdirSync(join(home, '.aws'));
  const creds = join(home, '.aws', 'credentials');
  writeFileSync(creds, `[p]\naws_access_key_id = ${KEYS.session.id}\naws_secret_access_key = ${KEYS.session.secret} \naws_session_token = ${KEYS.session.token}\n`);
  const ctx = processContext({ HOME: home, AWS_PROFILE: 'p' });
  const first = await resolveCredentials(ctx);
  const dir = join(home, '.cache', 'credguard', 'identity');
  const files = readdirSync(dir).filter((n) => n.startsWith('ini-'));
  assert.equal(files.length, 1);
  const cached = readFileSync(join(dir, files[0] ?? ''), 'utf8');
  assert.ok(!cached.includes(KEYS.session.secret) && !cached.includes(KEYS.session.token), 'no secret in the parse cache');
  assert.ok(cached.includes(KEYS.session.id), 'key ids (not secrets) are kept');

  const second = await resolveCredentials(ctx);
  assert.deepEqual(second.findings, first.findings, 'the cached parse gives the same verdict');
  assert.equal(second.accessKeyId, KEYS.session.id);

  writeFileSync(creds, `[p]\naws_access_key_id = ${KEYS.a.id}\naws_secret_access_key = "${KEYS.a.secret}\n`);
  const third = await resolveCredentials(ctx);
  assert.equal(third.accessKeyId, KEYS.a.id, 'an edit is seen at once');
  assert.ok(third.findings.some((f) => /contains a quote/.test(f.message)), 'hygiene survives the masking');
  assert.equal(readdirSync(dir).filter((n) => n.startsWith('ini-')).length, 1, 'older parses are pruned');
});
