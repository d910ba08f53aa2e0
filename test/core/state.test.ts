import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, promptContextName, serializeState, type PromptState } from '../../src/core/state.js';
import { formatCountdown } from '../../src/core/ui.js';

const base: PromptState = {
  context: 'profile-prod', label: 'prod', profile: 'prod', shadowed: false, source: 'profile', account: '123456789012',
  region: 'us-east-1', status: 'ok', cause: '', expires: 1800000000, refreshable: false, checked: 1790000000, staleAfter: 1790000300, written: 1790000000,
};

test('state round-trips', () => {
  assert.deepEqual({ ...parseState(serializeState(base)) }, { v: '1', ...base });
});

test('hostile values cannot break out of their line', () => {
  const text = serializeState({ ...base, label: 'x\nstatus=ok\r$(touch /tmp/pwned)\u001b[31m' });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 15, 'still one line per key');
  assert.equal(parseState(text).label, 'x?status=ok?$(touch /tmp/pwned)?[31m');
});

test('context names as the shells compute them', () => {
  assert.equal(promptContextName({ AWS_ACCESS_KEY_ID: 'AKIAY7QZ3M4NB2XK5TRW', AWS_PROFILE: 'prod' }), 'env-AKIAY7QZ3M4NB2XK5TRW');
  assert.equal(promptContextName({ AWS_PROFILE: 'team/prod admin' }), 'profile-team_prod_admin');
  assert.equal(promptContextName({ AWS_DEFAULT_PROFILE: 'dev' }), 'profile-dev');
  assert.equal(promptContextName({}), 'profile-default');
});

test('countdown format', () => {
  assert.equal(formatCountdown(7500), '2h05m');
  assert.equal(formatCountdown(2520), '42m');
  assert.equal(formatCountdown(59), '59s');
  assert.equal(formatCountdown(0), 'expired');
  assert.equal(formatCountdown(-5), 'expired');
  assert.equal(formatCountdown(3 * 86400), '3d');
});
