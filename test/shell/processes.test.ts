// Process accounting: a warm render creates no process at all (counted with strace), a stale
// state starts one background refresh per context (not one per prompt), and 50 shells whose
// state went stale at once cause one STS call.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/integration.js';
import { KEYS } from '../helpers/fakectx.js';
import { startStsStub, type StsStub } from '../helpers/sts-stub.js';
import { SHELLS, initFile, nowSec, renderLoop, sandbox, shellArgv, state, straceCount, writeState, type Sandbox, type Shell } from './harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const skipStrace = needs('strace', 'bash', 'zsh', 'fish');

describe('a warm render creates no process', { skip: skipStrace }, () => {
  let sb: Sandbox;
  const inits = {} as Record<Shell, string>;
  before(async () => {
    sb = sandbox();
    for (const shell of SHELLS) inits[shell] = await initFile(sb, shell, ['--position', 'left']);
    const now = nowSec();
    writeState(sb, state({ context: 'profile-prod', expires: now + 3600 }));
    // AWS files and an SSO token exist (older than the state): the warm path stats them all
    for (const f of ['config', 'credentials']) writeFileSync(join(sb.home, '.aws', f), '');
    spawnSync('mkdir', ['-p', join(sb.home, '.aws', 'sso', 'cache')]);
    writeFileSync(join(sb.home, '.aws', 'sso', 'cache', 'token.json'), '{}');
    for (const f of ['.aws/config', '.aws/credentials', '.aws/sso/cache/token.json']) utimesSync(join(sb.home, f), now - 600, now - 600);
  });
  after(() => sb?.cleanup());

  for (const shell of SHELLS) {
    test(`${shell}: 200 renders, 0 processes`, () => {
      const env = sb.env({ AWS_PROFILE: 'prod' });
      const argv = shellArgv(shell, inits[shell], `${renderLoop(shell, 200)}; printf '%s' "$CREDGUARD_PROMPT_TEXT"`);
      const count = straceCount(argv, env, join(sb.root, `strace.${shell}`));
      assert.equal(count.processes, 0, count.raw);
      assert.deepEqual(count.execs, []);
      // and it did render
      const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
      assert.match(r.stdout, /^☁ prod 123456789012 us-east-1 (1h00m|59m)$/);
    });

    test(`${shell}: a stale state starts one refresh, not one per prompt`, () => {
      writeState(sb, state({ context: 'profile-stale', label: 'stale', staleAfter: nowSec() - 1 }));
      const env = sb.env({ AWS_PROFILE: 'stale' });
      const setCmd = shell === 'fish' ? 'set -g __credguard_cmd /bin/true' : '__credguard_cmd=(/bin/true)';
      const argv = shellArgv(shell, inits[shell], `${setCmd}; ${renderLoop(shell, 100)}`);
      const count = straceCount(argv, env, join(sb.root, `strace-stale.${shell}`));
      const trues = count.execs.filter((l) => l.includes('"/bin/true"'));
      assert.equal(trues.length, 1, count.raw);
      assert.ok(trues[0]!.includes('"refresh", "--quiet"'), trues[0]);
    });
  }
});

/** Live `credguard refresh` processes whose environment points at this sandbox's cache. */
function liveRefreshes(cache: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('refresh\0--quiet')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`CREDGUARD_CACHE_DIR=${cache}\0`)) n++;
    } catch {
      // exited meanwhile, or not ours
    }
  }
  return n;
}

describe('50 shells whose state went stale at once cause one STS call', { skip: needs('bash', 'zsh', 'fish') }, () => {
  let stub: StsStub;
  let sb: Sandbox;
  before(async () => {
    stub = await startStsStub({ ok: { account: '777788889999' } });
    sb = sandbox();
  });
  after(async () => {
    await stub?.stop();
    sb?.cleanup();
  });

  test('17 bash + 17 zsh + 16 fish prompts → 1 GetCallerIdentity', async () => {
    writeFileSync(join(sb.home, '.aws', 'credentials'), `[team]\naws_access_key_id = ${KEYS.a.id}\naws_secret_access_key = ${KEYS.a.secret}\n`);
    writeFileSync(join(sb.home, '.aws', 'config'), '[profile team]\nregion = us-west-2\n');
    const inits = {} as Record<Shell, string>;
    for (const shell of SHELLS) inits[shell] = await initFile(sb, shell);
    // the state went stale (stale_after passed) for everyone at once
    writeState(sb, state({ context: 'profile-team', label: 'team', account: '777788889999', region: 'us-west-2', staleAfter: nowSec() - 1 }));
    const env = sb.env({ AWS_PROFILE: 'team', AWS_ENDPOINT_URL_STS: stub.endpoint });
    stub.resetCounts();
    const shells: Shell[] = [...Array(17).fill('bash'), ...Array(17).fill('zsh'), ...Array(16).fill('fish')];
    const outputs = await Promise.all(
      shells.map(
        (shell) =>
          new Promise<string>((resolve) => {
            const [cmd, ...args] = shellArgv(shell, inits[shell], `__credguard_${shell === 'fish' ? 'render' : 'precmd'}; printf '%s' "$CREDGUARD_PROMPT_TEXT"`);
            const child = spawn(cmd!, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (d) => (out += d));
            child.on('close', () => resolve(out));
          }),
      ),
    );
    // every prompt rendered at once, with what it had, marked stale
    for (const o of outputs) assert.equal(o, '☁ team 777788889999 us-west-2 ?');
    // wait for all 50 background refreshes to finish
    const deadline = Date.now() + 60_000;
    await sleep(500);
    while (liveRefreshes(sb.cache) > 0 && Date.now() < deadline) await sleep(100);
    assert.equal(liveRefreshes(sb.cache), 0, 'refreshes still running');
    assert.equal(stub.count('GetCallerIdentity'), 1, `${stub.count('GetCallerIdentity')} STS calls for 50 stale prompts`);
    const fresh = readFileSync(join(sb.cache, 'prompt', 'profile-team.state'), 'utf8');
    assert.match(fresh, /^status=ok$/m);
    assert.ok(Number(/^stale_after=(\d+)$/m.exec(fresh)![1]) > nowSec());
    assert.ok(!existsSync(join(sb.cache, 'locks', 'profile-team.lock')));
  });
});
