// Prompt benchmark (node --import tsx bench/prompt.ts, or npm run bench):
//   1,000 warm renders inside one bash, one zsh (and one fish), timed inside the shell
//   vs 1,000 spawns of /bin/true from that shell (what one `$(…)` segment costs at least),
//   interleaved in the same shell for ROUNDS rounds (the machine's load moves both alike);
//   the table shows the median round
//   vs `credguard prompt` invocations (100 timed, scaled to 1,000)
//   + child processes created by 1,000 warm renders, counted with strace
//   + 50 shells whose state went stale at once → GetCallerIdentity calls (local STS stub)
// Prints a markdown table for the README. NODE_EXTRA_CA_CERTS is removed from the
// environment of every timed Node process (on the reference machine it adds ~90 ms per start).
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../test/helpers/cli.js';
import { KEYS } from '../test/helpers/fakectx.js';
import { startStsStub } from '../test/helpers/sts-stub.js';
import { hasCommand } from '../test/helpers/integration.js';
import { initFile, nowSec, renderLoop, sandbox, shellArgv, state, straceCount, writeState, type Shell } from '../test/shell/harness.js';

const N = 1000;
const ROUNDS = 7;
const NODE_RUNS = 100;
const sb = sandbox();
const env = (extra: Record<string, string> = {}): Record<string, string> => {
  const e = sb.env({ AWS_PROFILE: 'prod', CREDGUARD_PROMPT_NO_REFRESH: '1', ...extra });
  delete e['NODE_EXTRA_CA_CERTS'];
  return e;
};

function version(cmd: string, args: string[]): string {
  return (spawnSync(cmd, args, { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
}

/** Per round, seconds inside the shell for N renders and for N /bin/true spawns, interleaved. */
function roundsInShell(shell: Shell, init: string): Array<{ render: number; spawn: number }> {
  const clock = {
    bash: 't=$EPOCHREALTIME',
    zsh: 't=$EPOCHREALTIME',
    // fish has no clock builtin; the bench may fork: `date` outside the timed loops
    fish: 'set t (date +%s.%N)',
  }[shell];
  const say = shell === 'fish' ? 'printf "%s " $t >&2' : 'printf "%s " "$t" >&2';
  const round = `${clock}; ${say}; ${renderLoop(shell, N)}; ${clock}; ${say}; ${trueLoop(shell)}; ${clock}; ${say}; printf '\\n' >&2`;
  const body =
    shell === 'fish'
      ? `for r in ${Array.from({ length: ROUNDS }, (_, i) => i + 1).join(' ')}; ${round}; end`
      : `${shell === 'zsh' ? 'zmodload zsh/datetime; ' : ''}for ((r = 0; r < ${ROUNDS}; r++)); do ${round}; done`;
  const [cmd, ...args] = shellArgv(shell, init, body);
  const r = spawnSync(cmd!, args, { env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${shell}: ${r.stderr}`);
  return r.stderr
    .trim()
    .split('\n')
    .map((line) => {
      const [t0, t1, t2] = line.trim().split(' ').map(Number);
      return { render: (t1! - t0!) / N, spawn: (t2! - t1!) / N };
    });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const trueLoop = (shell: Shell): string => (shell === 'fish' ? renderLoop('fish', N).replace('__credguard_render', '/bin/true') : `for ((i = 0; i < ${N}; i++)); do /bin/true; done`);

async function main(): Promise<void> {
  const now = nowSec();
  writeState(sb, state({ context: 'profile-prod', expires: now + 42 * 60 + 30, staleAfter: now + 3600 }));
  const shells: Shell[] = (['bash', 'zsh', 'fish'] as Shell[]).filter((s) => hasCommand(s));
  const inits = {} as Record<Shell, string>;
  for (const s of shells) inits[s] = await initFile(sb, s);

  const rows: string[][] = [];
  const ratios: Record<string, number> = {};
  const ranges: string[] = [];
  let trueSpawn = 0;
  for (const s of shells) {
    const rounds = roundsInShell(s, inits[s]);
    const rs = rounds.map((r) => r.render / r.spawn);
    const render = median(rounds.map((r) => r.render));
    const spawnTrue = median(rounds.map((r) => r.spawn));
    ratios[s] = median(rs);
    ranges.push(`${s} ${Math.min(...rs).toFixed(3)}–${Math.max(...rs).toFixed(3)}×`);
    if (s === 'bash') trueSpawn = spawnTrue;
    let forks = 'n/a (no strace)';
    if (hasCommand('strace')) {
      const c = straceCount(shellArgv(s, inits[s], renderLoop(s, N)), env(), join(sb.root, `strace.${s}`));
      forks = String(c.processes + c.execs.length);
    }
    rows.push([`${s}: 1 warm render (in-shell loop of ${N})`, `${(render * 1e6).toFixed(1)} µs`, `${ratios[s]!.toFixed(3)}×`, forks]);
    rows.push([`${s}: 1 spawn of /bin/true (loop of ${N})`, `${(spawnTrue * 1e6).toFixed(1)} µs`, '1×', '1']);
  }

  // credguard prompt: NODE_RUNS timed invocations, scaled
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < NODE_RUNS; i++) {
    const r = spawnSync(process.execPath, [BIN, 'prompt', '--shell', 'bash'], { env: env(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const nodeOne = Number(process.hrtime.bigint() - t0) / 1e9 / NODE_RUNS;
  rows.push([`\`credguard prompt\` (${NODE_RUNS} timed, ×${N / NODE_RUNS} for ${N})`, `${(nodeOne * 1e3).toFixed(1)} ms`, trueSpawn ? `${(nodeOne / trueSpawn).toFixed(0)}× (bash)` : '', '1 (+ node threads)']);

  // 50 shells whose state went stale at once
  const stub = await startStsStub({ ok: { account: '777788889999' } });
  let stsCalls = -1;
  try {
    writeFileSync(join(sb.home, '.aws', 'credentials'), `[team]\naws_access_key_id = ${KEYS.a.id}\naws_secret_access_key = ${KEYS.a.secret}\n`);
    writeFileSync(join(sb.home, '.aws', 'config'), '[profile team]\nregion = us-west-2\n');
    writeState(sb, state({ context: 'profile-team', label: 'team', staleAfter: nowSec() - 1 }));
    const e = { ...env({ AWS_PROFILE: 'team', AWS_ENDPOINT_URL_STS: stub.endpoint }) };
    delete e['CREDGUARD_PROMPT_NO_REFRESH'];
    const list: Shell[] = Array.from({ length: 50 }, (_, i) => shells[i % shells.length]!);
    await Promise.all(
      list.map(
        (s) =>
          new Promise<void>((resolve) => {
            const [cmd, ...args] = shellArgv(s, inits[s], s === 'bash' ? '__credguard_precmd' : '__credguard_render');
            spawn(cmd!, args, { env: e, stdio: 'ignore' }).on('close', () => resolve());
          }),
      ),
    );
    const deadline = Date.now() + 60_000;
    await new Promise((r) => setTimeout(r, 500));
    while (liveRefreshes() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    stsCalls = stub.count('GetCallerIdentity');
  } finally {
    await stub.stop();
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`\nMachine: ${cpu}, ${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, node ${process.version}, ` +
    `${shells.map((s) => version(s, ['--version']).replace(/^GNU bash, version /, 'bash ').replace(/ \(.*$/, '')).join(', ')}\n\n`);
  process.stdout.write('| measurement | time | vs one /bin/true spawn from the same shell | processes created |\n|---|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  process.stdout.write(`\nRenders and spawns interleaved in the same shell, ${ROUNDS} rounds of ${N} each; median round shown (the ratio column is the median of the per-round ratios). Per-round ratio range: ${ranges.join(', ')}.\n`);
  process.stdout.write(`\n50 shells (${shells.join('/')}) whose state went stale at once → ${stsCalls} GetCallerIdentity call(s).\n`);
  const verdict = (s: string): string => (ratios[s] === undefined ? 'n/a' : ratios[s]! <= 0.2 ? 'met' : 'NOT met');
  process.stdout.write(`Target (warm render ≤ 0.2× a /bin/true spawn from the same shell, median round): bash ${verdict('bash')}, zsh ${verdict('zsh')}, fish ${verdict('fish')}\n`);
  sb.cleanup();
}

function liveRefreshes(): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('refresh\0--quiet')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`CREDGUARD_CACHE_DIR=${sb.cache}\0`)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

await main();
