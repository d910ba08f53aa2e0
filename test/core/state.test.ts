import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFastLine, parseState, promptContextName, serializeState, type PromptState } from '../../src/core/state.js';
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
  assert.equal(lines.length, 16, 'still one line per key, plus the fast line');
  assert.equal(lines[0]!.split('\x1f').length, 10, 'no value adds a field to the fast line');
  assert.equal(parseState(text).label, 'x?status=ok?$(touch /tmp/pwned)?[31m');
  const sep = serializeState({ ...base, label: 'a\x1fb', region: '\x1f' });
  assert.equal(parseFastLine(sep)?.get('label'), 'a?b');
  assert.equal(parseState(sep).region, '?');
});

test('the fast line comes first and carries what the prompt reads', () => {
  const text = serializeState({ ...base, refreshable: true });
  assert.equal(text.split('\n')[0], ['fast=1', 'profile-prod', 'prod', '123456789012', 'us-east-1', 'ok', '1800000000', '1', '1790000300', 'end'].join('\x1f'));
  assert.deepEqual([...parseFastLine(text)!.keys()], ['context', 'label', 'account', 'region', 'status', 'expires', 'refreshable', 'stale_after']);
});

test('a well-formed fast line wins over the key=value lines; a malformed one is ignored', () => {
  const US = '\x1f';
  const line = (tag: string, end: string, extra = ''): string => [tag, 'profile-x', 'fast', '', 'eu-west-1', 'expired', '12', '1', '34', end].join(US) + extra;
  const keys = '\ncontext=profile-y\nlabel=slow\nstatus=ok\nexpires=5\nrefreshable=0\nstale_after=6\nregion=r\naccount=111122223333\n';
  const fast = { context: 'profile-x', label: 'fast', account: '', region: 'eu-west-1', status: 'expired', expires: 12, refreshable: true, staleAfter: 34 };
  const slow = { context: 'profile-y', label: 'slow', account: '111122223333', region: 'r', status: 'ok', expires: 5, refreshable: false, staleAfter: 6 };
  const pick = (t: string): object => {
    const p = parseState(t);
    return { context: p.context, label: p.label, account: p.account, region: p.region, status: p.status, expires: p.expires, refreshable: p.refreshable, staleAfter: p.staleAfter };
  };
  assert.deepEqual(pick(line('fast=1', 'end') + keys), fast);
  assert.deepEqual(pick(line('fast=1', 'end', US) + keys), fast, 'one trailing separator (bash read drops it)');
  assert.deepEqual(pick(line('fast=1', 'end') + US + 'end' + keys), slow, '11 fields');
  assert.deepEqual(pick(line('fast=1', 'end', US + US) + keys), slow);
  assert.deepEqual(pick(line('fast=2', 'end') + keys), slow);
  assert.deepEqual(pick(line('fast=1', 'end\r') + keys), slow);
  assert.deepEqual(pick(line('fast=1', 'fin') + keys), slow);
  assert.deepEqual(pick('v=1\n' + line('fast=1', 'end') + keys), slow, 'only the first line');
  assert.equal(parseState(['fast=1', 'c', 'l', 'a', 'r', 'bogus', '1x', '1', '', 'end'].join(US)).status, undefined);
  assert.equal(parseState(['fast=1', 'c', 'l', 'a', 'r', 'ok', '1x', '1', '', 'end'].join(US) + '\nexpires=5').expires, undefined, 'a bad number on the fast line is unknown');
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
