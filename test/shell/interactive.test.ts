// Real interactive bash, zsh and fish under tmux, with a fake HOME and cache: the segment
// appears, follows AWS_PROFILE, counts down, shows expiry, keeps $?, is idempotent, never runs
// a hostile state file, and a hung STS endpoint does not delay the prompt.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/integration.js';
import { BIN } from '../helpers/cli.js';
import { KEYS } from '../helpers/fakectx.js';
import { startStsStub, type StsStub } from '../helpers/sts-stub.js';
import { SHELLS, nowSec, sandbox, state, tmuxShell, writeState, type Sandbox, type Shell, type TmuxShell } from './harness.js';

const skip = needs('tmux', 'bash', 'zsh', 'fish');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The user's own prompt shows the user's `$?` between brackets; `]>` marks prompt lines. */
function rc(shell: Shell, position: 'left' | 'right' | '' = 'left'): string {
  const node = process.execPath;
  switch (shell) {
    case 'bash':
      return `PS1='[$?]> '\n${position ? `CREDGUARD_PROMPT_POSITION=${position}\n` : ''}eval "$(${node} ${BIN} init bash)"\n`;
    case 'zsh':
      return `PROMPT='[%?]> '\n${position ? `CREDGUARD_PROMPT_POSITION=${position}\n` : ''}eval "$(${node} ${BIN} init zsh)"\n`;
    case 'fish':
      return `function fish_prompt; printf '[%s]> ' $status; end\n${position ? `set -g CREDGUARD_PROMPT_POSITION ${position}\n` : ''}${node} ${BIN} init fish | source\n`;
  }
}

const exportCmd = (shell: Shell, name: string, value: string): string => (shell === 'fish' ? `set -gx ${name} ${value}` : `export ${name}=${value}`);
const statusVar = (shell: Shell): string => (shell === 'fish' ? '$status' : '$?');

function lastPrompt(screen: string): string {
  const lines = screen.split('\n').filter((l) => l.includes(']>'));
  return lines[lines.length - 1] ?? '';
}
const promptCount = (screen: string): number => screen.split('\n').filter((l) => l.includes(']>')).length;

/** Press Enter and wait for the next prompt line; returns it and how long it took. */
async function nextPrompt(t: TmuxShell, cmd = ''): Promise<{ line: string; ms: number; screen: string }> {
  const before = promptCount(t.screen());
  t.line(cmd);
  const { screen, ms } = await t.waitFor((s) => promptCount(s) > before, `a new prompt after "${cmd}"`);
  return { line: lastPrompt(screen), ms, screen };
}

for (const shell of SHELLS) {
  describe(`${shell} under tmux`, { skip }, () => {
    let sb: Sandbox;
    let t: TmuxShell;
    before(async () => {
      sb = sandbox();
      const now = nowSec();
      writeState(sb, state({ context: 'profile-prod', expires: now + 42 * 60 + 30 }));
      writeState(sb, state({ context: 'profile-dev', label: 'dev', account: '210987654321', region: 'eu-west-1', expires: now + 63 }));
      // the refresh is off here (a real one would replace these hand-written states)
      t = await tmuxShell(sb, shell, rc(shell), sb.env({ AWS_PROFILE: 'prod', CREDGUARD_PROMPT_NO_REFRESH: '1' }));
      await t.waitFor((s) => promptCount(s) > 0, 'the first prompt');
    });
    after(() => {
      t?.stop();
      sb?.cleanup();
    });

    test('the segment appears with the right text', () => {
      assert.match(lastPrompt(t.screen()), /^☁ prod 123456789012 us-east-1 42m \[0\]>$/);
    });

    test('the segment is coloured with prompt-safe escapes', () => {
      const line = lastPrompt(t.screen({ escapes: true }));
      assert.match(line, /\x1b\[36m☁ prod/);
      assert.doesNotMatch(line, /[\x01\x02]|%\{/);
    });

    test('$? survives: the user prompt and the next command see it', async () => {
      assert.match((await nextPrompt(t, 'false')).line, /\[1\]>$/);
      const r = await nextPrompt(t, `false; echo "rc=${statusVar(shell)}"`);
      assert.match(r.screen, /^rc=1$/m);
      assert.match((await nextPrompt(t, 'true')).line, /\[0\]>$/);
    });

    test('changing AWS_PROFILE changes the segment at the next prompt', async () => {
      const r = await nextPrompt(t, exportCmd(shell, 'AWS_PROFILE', 'dev'));
      assert.match(r.line, /^☁ dev 210987654321 eu-west-1 (1m|\d+s) \[0\]>$/);
    });

    test('expiry counts down, then shows expired', async () => {
      const dev = Number(/expires=(\d+)/.exec((await import('node:fs')).readFileSync(join(sb.cache, 'prompt', 'profile-dev.state'), 'utf8'))![1]);
      const wait = (dev - 58) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      const r = await nextPrompt(t);
      assert.match(r.line, /^☁ dev 210987654321 eu-west-1 (5\d|4\d)s \[0\]>$/);
      writeState(sb, state({ context: 'profile-dev', label: 'dev', account: '210987654321', region: 'eu-west-1', expires: nowSec() - 10 }));
      assert.match((await nextPrompt(t)).line, /^☁ dev 210987654321 eu-west-1 expired \[0\]>$/);
      writeState(sb, state({ context: 'profile-dev', label: 'dev', account: '210987654321', region: 'eu-west-1', status: 'expired', refreshable: true }));
      assert.match((await nextPrompt(t)).line, /^☁ dev 210987654321 eu-west-1 sso⟳ \[0\]>$/);
    });

    test('sourcing the integration again adds nothing', async () => {
      const again = shell === 'fish' ? `${process.execPath} ${BIN} init fish | source` : `eval "$(${process.execPath} ${BIN} init ${shell})"`;
      await nextPrompt(t, again);
      await nextPrompt(t, again);
      const count = {
        bash: `echo "hooks=$(grep -o __credguard_precmd <<<"\${PROMPT_COMMAND[*]}" | wc -l) refs=$(grep -o 'CREDGUARD_PROMPT:+' <<<"$PS1" | wc -l)"`,
        // zsh: two hooks, __credguard_render and (a position is set) __credguard_place, once each
        zsh: `echo "hooks=\${#\${(@M)precmd_functions:#__credguard_render}}\${#\${(@M)precmd_functions:#__credguard_place}} refs=$(grep -o 'CREDGUARD_PROMPT:+' <<<"$PROMPT" | wc -l)"`,
        fish: 'echo "hooks="(count (functions --handlers | string match "*__credguard_on_prompt*"))" refs="(count (functions fish_prompt | string match "*CREDGUARD_PROMPT*"))',
      }[shell];
      const r = await nextPrompt(t, count);
      assert.match(r.screen, shell === 'zsh' ? /^hooks=11 refs=1$/m : /^hooks=1 refs=1$/m);
      assert.equal((r.line.match(/☁/g) ?? []).length, 1, r.line);
    });

    test('a hostile state file runs nothing and injects no escapes', async () => {
      const p = sb.pwned;
      writeState(sb, {
        context: 'profile-evil',
        raw:
          'context=profile-evil\n' +
          `label=$(touch ${p}/a)\`touch ${p}/b\`%F{red}%D{%s}\x1b[2J\x1b]0;t\x07\u009b2J\\[\\e[31m\\]\n` +
          `account=a[$(touch ${p}/c)]\nexpires=a[$(touch ${p}/d)]\nstale_after=99999999999\nregion=$(touch ${p}/e)\nstatus=ok\n`,
      });
      const r = await nextPrompt(t, exportCmd(shell, 'AWS_PROFILE', 'evil'));
      assert.equal(r.line, `☁ $(touch ${p}/a)\`touch ${p}/b\`%F{red}%D{%s}?[2J?]0;t??2J\\[\\e[31m\\] a[$(touch ${p}/c)] $(touch ${p}/e) [0]>`);
      await nextPrompt(t);
      assert.deepEqual(readdirSync(p), []);
    });
  });
}

describe('default placement on the right (zsh RPROMPT, fish_right_prompt, bash cursor trick)', { skip }, () => {
  for (const shell of SHELLS) {
    test(shell, async () => {
      const sb = sandbox();
      writeState(sb, state({ context: 'profile-prod' }));
      const t = await tmuxShell(sb, shell, rc(shell, 'right'), sb.env({ AWS_PROFILE: 'prod', CREDGUARD_PROMPT_NO_REFRESH: '1' }));
      try {
        const { screen } = await t.waitFor((s) => /\]> .*☁ prod 123456789012 us-east-1$/m.test(s), 'the segment at the right edge');
        const line = screen.split('\n').find((l) => l.includes(']>'))!;
        assert.ok(line.length >= 290, `right-aligned: ${JSON.stringify(line)}`);
        assert.match(line, /^\[0\]> {20,}☁ prod 123456789012 us-east-1$/);
      } finally {
        t.stop();
        sb.cleanup();
      }
    });
  }
});

describe('background refresh', { skip }, () => {
  let stub: StsStub;
  before(async () => {
    stub = await startStsStub({ hang: true });
  });
  after(async () => {
    await stub?.stop();
  });

  for (const shell of SHELLS) {
    test(`${shell}: a hung STS endpoint does not delay the prompt; a working one fills the segment in`, async () => {
      const sb = sandbox();
      writeFileSync(
        join(sb.home, '.aws', 'credentials'),
        `[hung]\naws_access_key_id = ${KEYS.a.id}\naws_secret_access_key = ${KEYS.a.secret}\n[live]\naws_access_key_id = ${KEYS.b.id}\naws_secret_access_key = ${KEYS.b.secret}\n`,
      );
      writeFileSync(join(sb.home, '.aws', 'config'), '[profile hung]\nregion = us-east-1\n[profile live]\nregion = eu-west-1\n');
      // a long STS timeout: the refresh keeps hanging while we time the prompts
      const env = sb.env({ AWS_PROFILE: 'hung', AWS_ENDPOINT_URL_STS: stub.endpoint, CREDGUARD_STS_TIMEOUT_MS: '20000' });
      stub.set(({ accessKeyId }) => (accessKeyId === KEYS.a.id ? { hang: true } : { ok: { account: '444455556666' } }));
      stub.resetCounts();
      const t = await tmuxShell(sb, shell, rc(shell), env);
      try {
        await t.waitFor((s) => promptCount(s) > 0, 'the first prompt');
        assert.match(lastPrompt(t.screen()), /^☁ hung \? \[0\]>$/);
        // the first prompt started a refresh that now hangs on STS
        await t.waitFor(() => stub.count('GetCallerIdentity') >= 1, 'the refresh to reach the hung STS endpoint', 15_000);
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await nextPrompt(t);
          times.push(r.ms);
          assert.match(r.line, /^☁ hung \? \[0\]>$/);
        }
        const worst = Math.max(...times);
        assert.ok(worst < 500, `prompt took ${worst} ms while STS hangs (${times.map((x) => x.toFixed(0)).join(', ')})`);
        assert.equal(stub.count('GetCallerIdentity'), 1, 'one refresh at a time for the context');

        // a context whose refresh succeeds: `?` at first, the account once the refresh wrote the state
        await nextPrompt(t, exportCmd(shell, 'AWS_PROFILE', 'live'));
        const deadline = Date.now() + 15_000;
        let line = '';
        while (Date.now() < deadline) {
          line = (await nextPrompt(t)).line;
          if (line.includes('444455556666')) break;
          await sleep(200);
        }
        assert.match(line, /^☁ live 444455556666 eu-west-1 \[0\]>$/);
        assert.ok(existsSync(join(sb.cache, 'prompt', 'profile-live.state')));
      } finally {
        t.stop();
        sb.cleanup();
      }
    });
  }
});
