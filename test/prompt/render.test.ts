// The segment model (src/prompt/render.ts), the prompt config, and init's baking — pure logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { formatSegment, segmentModel, singleColor, zshColor, type SegmentInput } from '../../src/prompt/render.js';
import { PROMPT_DEFAULTS, globToRegExp, promptConfig, type PromptConfig } from '../../src/prompt/config.js';
import { bakeConfig, shellPattern, substituteConfig, BAKE_BEGIN, BAKE_END } from '../../src/prompt/bake.js';
import { formatCountdown } from '../../src/core/ui.js';
import type { PromptState } from '../../src/core/state.js';

const NOW = 1_800_000_000;
const cfg = (over: Partial<PromptConfig> = {}): PromptConfig => ({ ...PROMPT_DEFAULTS, ...over });
const ok = (over: Partial<PromptState> = {}): Partial<PromptState> => ({ context: 'profile-prod', label: 'prod', account: '123456789012', region: 'us-east-1', status: 'ok', expires: 0, ...over });
const model = (state: Partial<PromptState> | undefined, over: Partial<SegmentInput> = {}, c = cfg()) => segmentModel({ state, now: NOW, env: {}, stale: false, ...over }, c);
const text = (state: Partial<PromptState> | undefined, over: Partial<SegmentInput> = {}, c = cfg()) => formatSegment(model(state, over, c), 'plain', false);

test('countdown, levels and thresholds (≤ 30 min warn, ≤ 10 min danger)', () => {
  const cases: Array<[number, string, string]> = [
    [2 * 3600 + 5 * 60, '2h05m', 'normal'],
    [30 * 60 + 1, '30m', 'normal'],
    [30 * 60, '30m', 'warn'],
    [10 * 60 + 1, '10m', 'warn'],
    [10 * 60, '10m', 'danger'],
    [59, '59s', 'danger'],
    [1, '1s', 'danger'],
    [3 * 86400, '3d', 'normal'],
  ];
  for (const [left, shown, level] of cases) {
    const m = model(ok({ expires: NOW + left }));
    assert.equal(m.tail, shown);
    assert.equal(m.tail, formatCountdown(left));
    assert.equal(m.level, level, `${left}s`);
  }
  assert.equal(text(ok({ expires: NOW })), '☁ prod 123456789012 us-east-1 expired');
});

test('statuses and markers', () => {
  assert.equal(text(ok()), '☁ prod 123456789012 us-east-1');
  assert.equal(text(ok({ status: 'expired', refreshable: true })), '☁ prod 123456789012 us-east-1 sso⟳');
  assert.equal(model(ok({ status: 'expired', refreshable: true })).level, 'warn');
  assert.equal(text(ok({ status: 'expired' })), '☁ prod 123456789012 us-east-1 expired');
  assert.equal(text(ok({ status: 'expired' }), {}, cfg({ expired: 'hide' })), '');
  assert.equal(text(ok({ status: 'invalid', account: '' })), '☁ prod us-east-1 ✗ invalid');
  assert.equal(text(ok({ status: 'none' })), '');
  assert.equal(text(ok({ status: 'none', account: '' }), {}, cfg({ hideWhenNone: false })), '☁ prod us-east-1 ✗ no credentials');
  assert.equal(text(ok({ status: undefined })), '☁ prod 123456789012 us-east-1 ?');
  assert.equal(text(ok({ expires: NOW + 42 * 60 }), { stale: true }), '☁ prod 123456789012 us-east-1 42m?');
  assert.equal(text(ok(), { stale: true }), '☁ prod 123456789012 us-east-1 ?');
});

test('without a state: label from the environment, `?`', () => {
  assert.equal(text(undefined, { env: { AWS_PROFILE: 'dev' }, stale: true }), '☁ dev ?');
  assert.equal(text(undefined, { env: { AWS_DEFAULT_PROFILE: 'legacy' }, stale: true }), '☁ legacy ?');
  assert.equal(text(undefined, { env: { AWS_ACCESS_KEY_ID: 'AKIAXXXXXXXXXXXXXXXX', AWS_PROFILE: 'dev' }, stale: true }), '☁ env keys ?');
  assert.equal(text(undefined, { stale: true }), '☁ default ?');
});

test('live region wins; options hide parts; control characters become ?', () => {
  assert.equal(text(ok(), { env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'x' } }), '☁ prod 123456789012 eu-west-1');
  assert.equal(text(ok(), {}, cfg({ showAccount: false, showRegion: false, symbol: '' })), 'prod');
  assert.equal(text(ok({ expires: NOW + 600 }), {}, cfg({ showCountdown: false })), '☁ prod 123456789012 us-east-1');
  assert.equal(text(ok({ label: 'a\x1b[31mb\u009bc\x07' })), '☁ a?[31mb?c? 123456789012 us-east-1');
});

test('colours: level for the tail, class glob for the head, per-host escaping', () => {
  const c = cfg({ classes: [{ glob: '*prod*', color: 'red' }] });
  const m = model(ok({ expires: NOW + 20 * 60, label: '100%prod#' }), {}, c);
  assert.equal(m.headColor, 'red');
  assert.equal(m.tailColor, 'yellow');
  assert.equal(formatSegment(m, 'bash', false), '\x01\x1b[31m\x02☁ 100%prod# 123456789012 us-east-1 \x01\x1b[33m\x0220m\x01\x1b[39m\x02');
  assert.equal(formatSegment(m, 'zsh', false), '%{\x1b[31m%}☁ 100%%prod# 123456789012 us-east-1 %{\x1b[33m%}20m%{\x1b[39m%}');
  assert.equal(formatSegment(m, 'fish', false), '\x1b[31m☁ 100%prod# 123456789012 us-east-1 \x1b[33m20m\x1b[39m');
  assert.equal(formatSegment(m, 'tmux', false), '#[fg=red]☁ 100%prod## 123456789012 us-east-1 #[fg=yellow]20m#[fg=default]');
  assert.equal(formatSegment(m, 'bash', true), '☁ 100%prod# 123456789012 us-east-1 20m');
  assert.equal(singleColor(m), 'yellow');
  assert.equal(singleColor(model(ok(), {}, c)), 'red');
  assert.equal(zshColor('brightred'), '9');
  assert.equal(zshColor('208'), '208');
  assert.equal(zshColor('default'), 'default');
});

test('globs: only * and ? are special', () => {
  assert.ok(globToRegExp('*prod*').test('my-prod-1'));
  assert.ok(globToRegExp('a?c').test('abc'));
  assert.ok(globToRegExp('a?c').test('a😀c'));
  assert.ok(!globToRegExp('a.c').test('abc'));
  assert.ok(globToRegExp('a[b]').test('a[b]'));
  assert.ok(!globToRegExp('prod').test('prod2'));
});

test('config validation', () => {
  const load = (prompt: unknown) => promptConfig({ raw: { prompt }, filepath: '/x/.credguardrc.json' });
  assert.deepEqual(load({ classes: { '*prod*': 'red', '1111*': '208' } }).classes, [
    { glob: '*prod*', color: 'red' },
    { glob: '1111*', color: '208' },
  ]);
  assert.throws(() => load({ colors: { warn: 'pink' } }), /prompt\.colors\.warn.*not a colour/);
  assert.throws(() => load({ colors: { urgent: 'red' } }), /unknown key "prompt\.colors\.urgent"/);
  assert.throws(() => load({ expired: 'fade' }), /"mark" or "hide"/);
  assert.throws(() => load({ dangerMinutes: 40 }), /must not exceed/);
  assert.throws(() => load({ symbol: '\x1b' }), /control characters/);
  assert.throws(() => load({ bogus: 1 }), /unknown key "prompt\.bogus"/);
  assert.equal(load(undefined).warnMinutes, 30);
});

test('baked config is inert when eval-ed: hostile symbols and globs stay data', () => {
  const hostile = cfg({ symbol: `'$(touch /tmp/credguard-baked-pwned)'"\`x\`\\`, classes: [{ glob: `*'$(touch /tmp/credguard-baked-pwned)'*`, color: 'red' }] });
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const block = bakeConfig(shell, hostile, ['/usr/bin/node', "/opt/it's here/credguard.js"]);
    assert.ok(block.startsWith(BAKE_BEGIN) && block.endsWith(BAKE_END));
    const print = shell === 'fish' ? 'printf "%s\\n" $__credguard_symbol $__credguard_cmd[2]' : 'printf "%s\\n" "$__credguard_symbol" "${__credguard_cmd[@]: -1}"';
    const argv = shell === 'fish' ? ['fish', '--no-config', '-c', `${block}\n${print}`] : [shell, shell === 'bash' ? '--norc' : '-f', '-c', `${block}\n${print}`];
    if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) continue;
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    assert.equal(r.stdout, `${hostile.symbol}\n/opt/it's here/credguard.js\n`, `${shell}: ${r.stderr}`);
  }
  assert.equal(spawnSync('test', ['-e', '/tmp/credguard-baked-pwned']).status, 1);
  assert.equal(shellPattern('a.b*[c]?', 'bash'), 'a\\.b*\\[c\\]?');
  assert.equal(shellPattern('a.b*[c]?', 'zsh'), 'a.b*\\[c\\]?');
  assert.equal(shellPattern('a.b*[c]?', 'fish'), '^a\\.b.*\\[c\\].$');
  assert.throws(() => substituteConfig('no block', 'x'));
});
