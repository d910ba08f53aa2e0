// Users with `set -u` (bash) or `setopt nounset` (zsh) in their rc files: the segment must
// render, print no "unbound variable" error and keep $?, with and without a state file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/integration.js';
import { baseEnv, runCli } from '../helpers/cli.js';
import { serializeState } from '../../src/core/state.js';

const skip = needs('bash', 'zsh');

test('bash set -u and zsh nounset: renders, no unbound-variable error, $? kept', { skip }, () => {
  const home = mkdtempSync(join(tmpdir(), 'credguard-nounset-'));
  const cache = join(home, 'cache');
  mkdirSync(join(cache, 'prompt'), { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  writeFileSync(join(cache, 'prompt', 'profile-prod.state'), serializeState({
    context: 'profile-prod', label: 'prod', profile: 'prod', shadowed: false, source: 'profile', account: '123456789012', region: 'us-east-1',
    status: 'ok', cause: '', expires: now + 3000, refreshable: false, checked: now, staleAfter: now + 3000, written: now,
  }));
  const env = baseEnv(home, { CREDGUARD_CACHE_DIR: cache, CREDGUARD_PROMPT_NO_REFRESH: '1' });
  for (const shell of ['bash', 'zsh'] as const) {
    const init = runCli(['init', shell], { env });
    assert.equal(init.code, 0, init.stderr);
    const script = join(home, `init.${shell}`);
    writeFileSync(script, init.stdout);
    const strict = shell === 'bash' ? 'set -u' : 'setopt nounset';
    const render = shell === 'bash' ? '__credguard_precmd' : '__credguard_render';
    for (const profile of ['prod', 'nostate']) {
      const body = `${strict}; source ${script}; export AWS_PROFILE=${profile}; (exit 3); ${render}; echo "rc=$? [$CREDGUARD_PROMPT_TEXT]"`;
      const r = spawnSync(shell, ['-c', body], { env, encoding: 'utf8' });
      assert.equal(r.stderr, '', `${shell} ${profile}: ${r.stderr}`);
      if (shell === 'bash') assert.match(r.stdout, /^rc=3 /, 'bash keeps $? through the hook');
      assert.match(r.stdout, profile === 'prod' ? /\[☁ prod 123456789012 us-east-1 \d+m\]/ : /\[☁ nostate \?\]/);
    }
  }
});
