// `credguard prompt --shell X` (Node) and the shell fast path print the same bytes for the same
// state files, environment and config — for every shell, across the states the segment knows.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, utimesSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/integration.js';
import { KEYS } from '../helpers/fakectx.js';
import { SHELLS, initFile, nodePrompt, nowSec, sandbox, shellPrompt, state, writeState, type Sandbox, type Shell } from './harness.js';

const skip = needs('bash', 'zsh', 'fish');

interface Case {
  name: string;
  env?: Record<string, string>;
  /** Set up state files (and AWS files) in the sandbox. */
  setup: (sb: Sandbox, now: number) => void;
  /** Expected plain text (asserted on the Node side, so a wrong rule in both places still fails). */
  text: string;
}

const M = 60;
const US = '\x1f';
/** A fast line (src/core/state.ts) carrying these 8 values, without its newline. */
const fast = (values: string[]): string => ['fast=1', ...values, 'end'].join(US);
const CASES: Case[] = [
  { name: 'ok, long-lived keys', env: { AWS_PROFILE: 'prod' }, setup: (sb) => writeState(sb, state({ context: 'profile-prod' })), text: '☁ prod 123456789012 us-east-1' },
  {
    name: 'ok, expires in hours',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-prod', expires: now + 2 * 3600 + 5 * M + 30 })),
    text: '☁ prod 123456789012 us-east-1 2h05m',
  },
  {
    name: 'ok, expires in days',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-prod', expires: now + 3 * 86400 + 3600 })),
    text: '☁ prod 123456789012 us-east-1 3d',
  },
  {
    name: 'expiring (warn)',
    env: { AWS_PROFILE: 'dev' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-dev', label: 'dev', account: '210987654321', region: 'eu-west-1', expires: now + 25 * M + 30 })),
    text: '☁ dev 210987654321 eu-west-1 25m',
  },
  {
    name: 'expiring (danger)',
    env: { AWS_PROFILE: 'dev' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-dev', label: 'dev', expires: now + 5 * M + 30 })),
    text: '☁ dev 123456789012 us-east-1 5m',
  },
  {
    name: 'expired by the clock',
    env: { AWS_PROFILE: 'dev' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-dev', label: 'dev', expires: now - 100 })),
    text: '☁ dev 123456789012 us-east-1 expired',
  },
  {
    name: 'expired status',
    env: { AWS_PROFILE: 'dev' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-dev', label: 'dev', status: 'expired', expires: now - 100, account: '' })),
    text: '☁ dev us-east-1 expired',
  },
  {
    name: 'SSO session that can refresh',
    env: { AWS_PROFILE: 'sso' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-sso', label: 'sso', status: 'expired', refreshable: true, expires: now - 100 })),
    text: '☁ sso 123456789012 us-east-1 sso⟳',
  },
  { name: 'invalid', env: { AWS_PROFILE: 'bad' }, setup: (sb) => writeState(sb, state({ context: 'profile-bad', label: 'bad', status: 'invalid', account: '' })), text: '☁ bad us-east-1 ✗ invalid' },
  { name: 'error', env: { AWS_PROFILE: 'bad' }, setup: (sb) => writeState(sb, state({ context: 'profile-bad', label: 'bad', status: 'error', account: '' })), text: '☁ bad us-east-1 ✗ error' },
  {
    name: 'env keys shadow AWS_PROFILE',
    env: { AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret },
    setup: (sb) => writeState(sb, state({ context: `env-${KEYS.a.id}`, label: 'env keys', profile: '', shadowed: true, source: 'env', account: '111122223333' })),
    text: '☁ env keys 111122223333 us-east-1',
  },
  { name: 'no credentials (hidden)', env: { AWS_PROFILE: 'none' }, setup: (sb) => writeState(sb, state({ context: 'profile-none', label: 'none', status: 'none', account: '', region: '' })), text: '' },
  { name: 'no state yet', env: { AWS_PROFILE: 'ghost' }, setup: () => {}, text: '☁ ghost ?' },
  { name: 'no state, env keys', env: { AWS_ACCESS_KEY_ID: KEYS.b.id, AWS_REGION: 'ap-south-1' }, setup: () => {}, text: '☁ env keys ap-south-1 ?' },
  { name: 'no AWS_PROFILE: default profile', env: {}, setup: (sb) => writeState(sb, state({ context: 'profile-default', label: 'default' })), text: '☁ default 123456789012 us-east-1' },
  { name: 'AWS_DEFAULT_PROFILE', env: { AWS_DEFAULT_PROFILE: 'legacy' }, setup: (sb) => writeState(sb, state({ context: 'profile-legacy', label: 'legacy' })), text: '☁ legacy 123456789012 us-east-1' },
  {
    name: 'stale: past stale_after',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => writeState(sb, state({ context: 'profile-prod', expires: now + 42 * M + 30, staleAfter: now - 5 })),
    text: '☁ prod 123456789012 us-east-1 42m?',
  },
  {
    name: 'stale: ~/.aws/config newer than the state',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => {
      writeState(sb, state({ context: 'profile-prod' }), now - 60);
      writeFileSync(join(sb.home, '.aws', 'config'), '[profile prod]\n');
    },
    text: '☁ prod 123456789012 us-east-1 ?',
  },
  {
    name: 'stale: an SSO token newer than the state',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => {
      writeState(sb, state({ context: 'profile-prod', expires: now + 42 * M + 30 }), now - 60);
      const sso = join(sb.home, '.aws', 'sso', 'cache');
      mkdirSync(sso, { recursive: true });
      writeFileSync(join(sso, 'abc.json'), '{}');
    },
    text: '☁ prod 123456789012 us-east-1 42m?',
  },
  {
    name: 'fresh: AWS files older than the state (AWS_CONFIG_FILE with ~/)',
    env: { AWS_PROFILE: 'prod', AWS_CONFIG_FILE: '~/cfg' },
    setup: (sb, now) => {
      writeState(sb, state({ context: 'profile-prod' }), now - 10);
      for (const f of [join(sb.home, 'cfg'), join(sb.home, '.aws', 'credentials')]) {
        writeFileSync(f, '');
        utimesSync(f, now - 100, now - 100);
      }
    },
    text: '☁ prod 123456789012 us-east-1',
  },
  {
    name: 'stale: AWS_CONFIG_FILE with ~/ newer',
    env: { AWS_PROFILE: 'prod', AWS_CONFIG_FILE: '~/cfg' },
    setup: (sb, now) => {
      writeState(sb, state({ context: 'profile-prod' }), now - 10);
      writeFileSync(join(sb.home, 'cfg'), '');
    },
    text: '☁ prod 123456789012 us-east-1 ?',
  },
  { name: 'live AWS_REGION wins over the state', env: { AWS_PROFILE: 'prod', AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'x' }, setup: (sb) => writeState(sb, state({ context: 'profile-prod' })), text: '☁ prod 123456789012 eu-central-1' },
  { name: 'AWS_DEFAULT_REGION', env: { AWS_PROFILE: 'prod', AWS_DEFAULT_REGION: 'sa-east-1' }, setup: (sb) => writeState(sb, state({ context: 'profile-prod' })), text: '☁ prod 123456789012 sa-east-1' },
  {
    name: 'a state written for another context is ignored',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) => writeState(sb, { context: 'profile-prod', raw: 'context=profile-other\nlabel=other\nstatus=ok\nstale_after=99999999999\n' }),
    text: '☁ prod ?',
  },
  {
    name: 'unknown status, junk lines, duplicate keys, CRLF',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) =>
      writeState(sb, { context: 'profile-prod', raw: 'junk\n=x\ncontext=profile-prod\nlabel=first\nlabel=second\nstatus=weird\nregion=us-east-2\r\nstale_after=99999999999\nexpires=12x\n' }),
    text: '☁ second us-east-2? ?',
  },
  {
    name: 'numbers: leading zeros are decimal, 16+ digits are ignored',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) => writeState(sb, { context: 'profile-prod', raw: 'context=profile-prod\nlabel=p\nstatus=ok\nexpires=0000000000000000000009\nstale_after=099999999999\n' }),
    text: '☁ p',
  },
  {
    name: 'hostile values are shown, never run',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) =>
      writeState(sb, {
        context: 'profile-prod',
        raw:
          'context=profile-prod\n' +
          `label=$(touch ${sb.pwned}/a)\`touch ${sb.pwned}/b\`%F{red}%{x%}#[fg=red]\\e[31m\x1b]0;title\x07\u009b31m!!\n` +
          `account=a[$(touch ${sb.pwned}/c)]\n` +
          `expires=a[$(touch ${sb.pwned}/d)]\n` +
          `stale_after=x[$(touch ${sb.pwned}/e)]+1\n` +
          'region=$HOME ${HOME} %~ \\w\n' +
          'status=ok\n',
      }),
    text: `☁ $(touch PWNED/a)\`touch PWNED/b\`%F{red}%{x%}#[fg=red]\\e[31m?]0;title??31m!! a[$(touch PWNED/c)] $HOME \${HOME} %~ \\w ?`,
  },
  {
    name: 'spaces, `=` and backslashes in values are kept',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) => writeState(sb, { context: 'profile-prod', raw: 'context=profile-prod\nlabel=  a=b \\n \nregion=\tx\nstatus=ok\nstale_after=99999999999' }),
    text: '☁   a=b \\n  ?x',
  },
  // The fast line (src/core/state.ts): a well-formed first line wins over the key=value lines.
  {
    name: 'fast line: contradicting key lines lose',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) =>
      writeState(sb, {
        context: 'profile-prod',
        raw: fast(['profile-prod', 'fast', '210987654321', 'eu-west-1', 'ok', String(now + 25 * M + 30), '0', '99999999999']) + '\ncontext=profile-other\nlabel=slow\nstatus=invalid\nregion=us-east-2\nstale_after=1\n',
      }),
    text: '☁ fast 210987654321 eu-west-1 25m',
  },
  {
    name: 'fast line only, empty fields, one trailing separator tolerated',
    env: { AWS_PROFILE: 'sso' },
    setup: (sb, now) => writeState(sb, { context: 'profile-sso', raw: fast(['profile-sso', '', '', '', 'expired', '', '1', String(now + 600)]) + US + '\n' }),
    text: '☁ sso sso⟳',
  },
  ...(
    [
      ['tag fast=2', (f: string) => f.replace('fast=1', 'fast=2')],
      ['tag with a space', (f: string) => f.replace('fast=1', 'fast=1 ')],
      ['no end mark (9 fields)', (f: string) => f.slice(0, -(US.length + 3))],
      ['an 11th field', (f: string) => `${f}${US}x`],
      ['two trailing separators', (f: string) => `${f}${US}${US}`],
      ['CR before the newline', (f: string) => `${f}\r`],
      ['an extra field in the middle', (f: string) => f.replace(`${US}ok${US}`, `${US}ok${US}${US}`)],
      ['end mark with a space', (f: string) => `${f} `],
      ['the fast line not first', (f: string) => `v=1\n${f}`],
    ] as Array<[string, (f: string) => string]>
  ).map(
    ([what, mangle]): Case => ({
      name: `fast line malformed (${what}): the key=value lines are used`,
      env: { AWS_PROFILE: 'prod' },
      setup: (sb) =>
        writeState(sb, {
          context: 'profile-prod',
          raw: mangle(fast(['profile-prod', 'fast', '210987654321', 'eu-west-1', 'ok', '0', '0', '99999999999'])) + '\ncontext=profile-prod\nlabel=slow\nstatus=invalid\nregion=us-east-2\nstale_after=99999999999\n',
        }),
      text: '☁ slow us-east-2 ✗ invalid',
    }),
  ),
  {
    name: 'fast line: hostile values are shown, never run; bad numbers are unknown',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) =>
      writeState(sb, {
        context: 'profile-prod',
        raw:
          fast([
            'profile-prod',
            `$(touch ${sb.pwned}/a)\`touch ${sb.pwned}/b\`%F{red}%{x%}#[fg=red]\\e[31m\x1b]0;title\x07\u009b31m!! `,
            `a[$(touch ${sb.pwned}/c)]`,
            ' $HOME ${HOME} %~ \\w',
            'ok',
            `a[$(touch ${sb.pwned}/d)]`,
            '1',
            '0000000000000099999999999',
          ]) + '\nexpires=99999999999\nstale_after=99999999999\n',
      }),
    text: `☁ $(touch PWNED/a)\`touch PWNED/b\`%F{red}%{x%}#[fg=red]\\e[31m?]0;title??31m!!  a[$(touch PWNED/c)]  $HOME \${HOME} %~ \\w ?`,
  },
  {
    name: 'fast line without a final newline',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) => writeState(sb, { context: 'profile-prod', raw: fast(['profile-prod', 'p', '', 'eu-north-1', 'invalid', '', '0', '99999999999']) }),
    text: '☁ p eu-north-1 ✗ invalid',
  },
  {
    name: 'fast line longer than 8 KiB (zsh reads past its first sysread)',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb) =>
      writeState(sb, { context: 'profile-prod', raw: fast(['profile-prod', `${'é'.repeat(3000)}x${'y'.repeat(3000)}`, '', '', 'ok', '', '0', '99999999999']) + '\nlabel=slow\n' }),
    text: `☁ ${'é'.repeat(3000)}x${'y'.repeat(3000)}`,
  },
  {
    name: 'fast line: leading zeros are decimal, 15 digits accepted',
    env: { AWS_PROFILE: 'prod' },
    setup: (sb, now) => writeState(sb, { context: 'profile-prod', raw: fast(['profile-prod', 'p', '', '', 'ok', `0${now + 5 * M + 30}`, '0', '099999999999999']) + '\n' }),
    text: '☁ p 5m',
  },
  { name: 'non-ASCII profile name', env: { AWS_PROFILE: 'prød' }, setup: (sb) => writeState(sb, state({ context: 'profile-pr_d', label: 'prød' })), text: '☁ prød 123456789012 us-east-1' },
  { name: 'NO_COLOR', env: { AWS_PROFILE: 'prod', NO_COLOR: '1' }, setup: (sb) => writeState(sb, state({ context: 'profile-prod' })), text: '☁ prod 123456789012 us-east-1' },
];

describe('Node renderer and shell fast paths print the same bytes', { skip }, () => {
  let sb: Sandbox;
  const inits = {} as Record<Shell, string>;
  before(async () => {
    sb = sandbox();
    for (const shell of SHELLS) inits[shell] = await initFile(sb, shell);
  });
  after(() => sb?.cleanup());

  for (const c of CASES) {
    test(c.name, async () => {
      const run = sandbox();
      try {
        const now = nowSec();
        c.setup(run, now);
        const env = run.env(c.env);
        const plain = await nodePrompt('plain', env, run.cwd);
        assert.equal(plain, c.text.replace(/PWNED/g, run.pwned), 'plain text');
        for (const shell of SHELLS) {
          const expected = await nodePrompt(shell, env, run.cwd);
          const got = shellPrompt(shell, inits[shell], env);
          assert.equal(JSON.stringify(got), JSON.stringify(expected), `${shell} fast path vs credguard prompt --shell ${shell}`);
          const text = shellPrompt(shell, inits[shell], env, 'CREDGUARD_PROMPT_TEXT');
          assert.equal(text, plain, `${shell} CREDGUARD_PROMPT_TEXT`);
          if (c.env?.['NO_COLOR'] === undefined && c.text !== '') assert.match(got, /\x1b\[\d/, 'coloured');
        }
        const { readdirSync } = await import('node:fs');
        assert.deepEqual(readdirSync(run.pwned), [], 'a hostile state file ran code');
      } finally {
        run.cleanup();
      }
    });
  }

  test('a config is baked into the shells the same way (classes, colours, symbol, options)', async () => {
    const run = sandbox();
    try {
      writeFileSync(
        join(run.cwd, '.credguardrc.json'),
        JSON.stringify({
          prompt: {
            symbol: 'aws:',
            warnMinutes: 50,
            dangerMinutes: 45,
            showAccount: false,
            hideWhenNone: false,
            colors: { normal: 'green', warn: '208', danger: 'brightred', unknown: 'gray' },
            classes: { '*prod*': 'red', 'a.b[c]<1-2>(x|y)#~^\\?': 'magenta', '1111????3333': 'blue' },
          },
        }),
      );
      const inits2 = {} as Record<Shell, string>;
      for (const shell of SHELLS) inits2[shell] = await initFile(run, shell);
      const now = nowSec();
      const scenarios: Array<{ env: Record<string, string>; state?: ReturnType<typeof state>; text: string; color?: string }> = [
        { env: { AWS_PROFILE: 'my-prod' }, state: state({ context: 'profile-my-prod', label: 'my-prod', expires: now + 60 * M + 30 }), text: 'aws: my-prod us-east-1 1h00m', color: '1' },
        { env: { AWS_PROFILE: 'my-prod' }, state: state({ context: 'profile-my-prod', label: 'my-prod', expires: now + 47 * M + 30 }), text: 'aws: my-prod us-east-1 47m', color: '208' },
        { env: { AWS_PROFILE: 'odd' }, state: state({ context: 'profile-odd', label: 'a.b[c]<1-2>(x|y)#~^\\z', expires: now + 44 * M + 30 }), text: 'aws: a.b[c]<1-2>(x|y)#~^\\z us-east-1 44m', color: '9' },
        { env: { AWS_PROFILE: 'odd' }, state: state({ context: 'profile-odd', label: 'axb[c]<1-2>(x|y)#~^\\z' }), text: 'aws: axb[c]<1-2>(x|y)#~^\\z us-east-1', color: '2' },
        { env: { AWS_PROFILE: 'acct' }, state: state({ context: 'profile-acct', label: 'acct', account: '111122223333' }), text: 'aws: acct us-east-1', color: '4' },
        { env: { AWS_PROFILE: 'none' }, state: state({ context: 'profile-none', label: 'none', status: 'none', account: '', region: '' }), text: 'aws: none ✗ no credentials' },
        { env: { AWS_PROFILE: 'ghost' }, text: 'aws: ghost ?', color: '8' },
      ];
      for (const s of scenarios) {
        if (s.state) writeState(run, s.state);
        const env = run.env(s.env);
        assert.equal(await nodePrompt('plain', env, run.cwd), s.text);
        for (const shell of SHELLS) {
          assert.equal(JSON.stringify(shellPrompt(shell, inits2[shell], env)), JSON.stringify(await nodePrompt(shell, env, run.cwd)), `${shell}: ${s.text}`);
          if (s.color) assert.equal(shellPrompt(shell, inits2[shell], env, 'CREDGUARD_PROMPT_COLOR'), s.color, `${shell} CREDGUARD_PROMPT_COLOR for ${s.text}`);
        }
      }
      // expired: hide; plain mode
      writeFileSync(join(run.cwd, '.credguardrc.json'), JSON.stringify({ prompt: { expired: 'hide', plain: true } }));
      for (const shell of SHELLS) inits2[shell] = await initFile(run, shell);
      writeState(run, state({ context: 'profile-gone', label: 'gone', expires: now - 5 }));
      writeState(run, state({ context: 'profile-sso', label: 'sso', status: 'expired', refreshable: true }));
      writeState(run, state({ context: 'profile-p', label: 'p', expires: now + 42 * M + 30 }));
      for (const [profile, text] of [['gone', ''], ['sso', '☁ sso 123456789012 us-east-1 sso⟳'], ['p', '☁ p 123456789012 us-east-1 42m']]) {
        const env = run.env({ AWS_PROFILE: profile! });
        assert.equal(await nodePrompt('fish', env, run.cwd), text);
        for (const shell of SHELLS) assert.equal(shellPrompt(shell, inits2[shell], env), text, `${shell} ${profile}`);
      }
    } finally {
      run.cleanup();
    }
  });

  test('only exported variables count (what Terraform and the refresh see)', async () => {
    const run = sandbox();
    try {
      writeState(run, state({ context: 'profile-prod' }));
      writeState(run, state({ context: 'profile-default', label: 'default' }));
      const env = run.env({ AWS_PROFILE: 'prod' });
      const bodies: Record<Shell, string> = {
        bash: 'AWS_PROFILE=default; AWS_REGION=xx-local-1; __credguard_render; printf %s "$CREDGUARD_PROMPT_TEXT"',
        zsh: 'AWS_PROFILE=default; AWS_REGION=xx-local-1; __credguard_render; printf %s "$CREDGUARD_PROMPT_TEXT"',
        fish: 'set -g AWS_REGION xx-local-1; __credguard_render; printf %s "$CREDGUARD_PROMPT_TEXT"',
      };
      const { spawnSync } = await import('node:child_process');
      const { shellArgv } = await import('./harness.js');
      for (const shell of SHELLS) {
        const [cmd, ...args] = shellArgv(shell, inits[shell], bodies[shell]);
        const r = spawnSync(cmd!, args, { env: { ...env, CREDGUARD_PROMPT_NO_REFRESH: '1' }, encoding: 'utf8' });
        // bash/zsh: assigning an exported variable keeps it exported, so the value changes
        const expected = shell === 'fish' ? '☁ prod 123456789012 us-east-1' : '☁ default 123456789012 us-east-1';
        assert.equal(r.stdout, expected, `${shell}: ${r.stderr}`);
      }
      // a shell-local (unexported) AWS_PROFILE is ignored
      const r = (await import('node:child_process')).spawnSync('bash', ['--norc', '-c', `source "$1"; unset AWS_PROFILE; AWS_PROFILE=prod; __credguard_render; printf %s "$CREDGUARD_PROMPT_TEXT"`, 'bash', inits.bash], {
        env: { ...env, CREDGUARD_PROMPT_NO_REFRESH: '1' },
        encoding: 'utf8',
      });
      assert.equal(r.stdout, '☁ default 123456789012 us-east-1');
    } finally {
      run.cleanup();
    }
  });

  test('credguard prompt through the real binary matches too (tmux and json formats)', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const run = sandbox();
    try {
      writeState(run, state({ context: 'profile-prod', label: 'p#1', expires: nowSec() + 25 * M + 30 }));
      const env = run.env({ AWS_PROFILE: 'prod', CREDGUARD_PROMPT_NO_REFRESH: '1' });
      const r = runCli(['prompt', '--shell', 'bash'], { env, cwd: run.cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.replace(/\n$/, ''), shellPrompt('bash', inits.bash, env));
      const t = runCli(['prompt', '--shell', 'tmux'], { env, cwd: run.cwd });
      assert.equal(t.stdout, '#[fg=yellow]☁ p##1 123456789012 us-east-1 25m#[fg=default]\n');
      const j = JSON.parse(runCli(['prompt', '--format', 'json'], { env, cwd: run.cwd }).stdout);
      assert.equal(j.text, '☁ p#1 123456789012 us-east-1 25m');
      assert.equal(j.level, 'warn');
      assert.equal(j.color, '3');
      assert.equal(j.stale, false);
    } finally {
      run.cleanup();
    }
  });
});
