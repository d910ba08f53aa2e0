// Benchmark of `credguard doctor` and `credguard check`:
//   node --import tsx bench/doctor.ts        (BENCH_RUNS=n to change the number of check runs)
// Targets (issue 6): doctor against a local endpoint ≤ 2 s; with a hung endpoint, within its
// timeout (3 s) plus startup; `check` on a fresh cache: no network call and ≤ 1.5× `node -e 0`.
// The local endpoint is the STS stub (test/helpers/sts-stub.ts) in this process, so doctor runs
// are spawned asynchronously (a sync spawn would block the stub). check is timed like
// bench/envcheck.ts: whole processes, interleaved with `node -e 0`, median wall time plus median
// user+sys CPU from /usr/bin/time. NODE_EXTRA_CA_CERTS is unset for every timed Node process:
// where it is set, Node reads the whole CA bundle at start-up (~90 ms on the machine this was
// written on), which would swamp what is measured.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStsStub } from '../test/helpers/sts-stub.js';
import { BIN, median, nodeEnv as cleanEnv, ratioTable, requireBuild, roundRobin, type TimedCase } from './lib/measure.js';

/** Each run gets its own cache under the bench home. */
function nodeEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv(home, { CREDGUARD_CACHE_DIR: join(home, '.cache'), ...extra });
}

const RUNS = Math.max(3, Number(process.env['BENCH_RUNS']) || 20);
const DOCTOR_RUNS = 5;
// Fake keys of the right shape — never real credentials.
// The AWS documentation's example keys: right shape, never valid.
const KEY = { id: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function timeAsync(argv: string[], env: Record<string, string>, cwd: string): Promise<{ ms: number; code: number }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0] ?? '', argv.slice(1), { env, cwd, stdio: 'ignore' });
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code: code ?? -1 }));
  });
}

async function main(): Promise<void> {
  requireBuild();
  const stub = await startStsStub({ ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/bench' } });
  const hung = await startStsStub({ hang: true });
  const home = mkdtempSync(join(tmpdir(), 'credguard-bench-doctor-'));
  try {
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${KEY.id}\naws_secret_access_key = ${KEY.secret}\n`);
    const tf = (endpoint: string): string => `provider "aws" {\n  region = "us-east-1"\n  allowed_account_ids = ["123456789012"]\n  endpoints {\n    sts = "${endpoint}"\n    iam = "${endpoint}"\n  }\n}\n`;
    const project = join(home, 'project');
    const hungProject = join(home, 'hung');
    mkdirSync(project);
    mkdirSync(hungProject);
    writeFileSync(join(project, 'main.tf'), tf(stub.endpoint));
    writeFileSync(join(hungProject, 'main.tf'), tf(hung.endpoint));
    const node = process.execPath;
    const env = nodeEnv(home);

    const doctorTf: number[] = [];
    const doctorEnv: number[] = [];
    for (let i = 0; i < DOCTOR_RUNS; i++) {
      doctorTf.push((await timeAsync([node, BIN, 'doctor'], env, project)).ms);
      doctorEnv.push((await timeAsync([node, BIN, 'doctor'], nodeEnv(home, { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: stub.endpoint }), home)).ms);
    }
    const hungRun = await timeAsync([node, BIN, 'doctor'], env, hungProject);
    const startup = median(await Promise.all([0, 1, 2].map(() => timeAsync([node, BIN, '--version'], env, home))).then((xs) => xs.map((x) => x.ms)));

    // check: seed the cache and the provider summary once, then time the warm path.
    stub.resetCounts();
    await timeAsync([node, BIN, 'check'], env, project);
    const seeded = stub.count();
    const cases: TimedCase[] = [
      { name: 'node -e 0', argv: [node, '-e', '0'], env, cwd: project },
      { name: 'credguard check (fresh cache, 1 provider)', argv: [node, BIN, 'check'], env, cwd: project },
      { name: 'credguard --version (the CLI entry alone, for reference)', argv: [node, BIN, '--version'], env, cwd: project },
    ];
    const r = roundRobin(cases, RUNS);
    const checkCalls = stub.count() - seeded;
    const dTf = median(doctorTf);
    const dEnv = median(doctorEnv);
    const ratio = (r.wall[1] ?? NaN) / (r.wall[0] ?? NaN);
    const lines = [
      `doctor/check benchmark — node ${process.version}, ${cpus().length} CPU(s) (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}`,
      'NODE_EXTRA_CA_CERTS unset for every timed process (it adds ~90 ms of CA-bundle loading per Node start on this machine).',
      '',
      '| command | median | target |',
      '|---|---:|---|',
      `| \`doctor\` (main.tf, local STS stub, IAM + clock checks) ×${DOCTOR_RUNS} | ${dTf.toFixed(0)} ms | ≤ 2000 ms — ${dTf <= 2000 ? 'met' : 'MISSED'} |`,
      `| \`doctor\` (no .tf files, local STS stub) ×${DOCTOR_RUNS} | ${dEnv.toFixed(0)} ms | ≤ 2000 ms — ${dEnv <= 2000 ? 'met' : 'MISSED'} |`,
      `| \`doctor\` (hung endpoint, timeout 3000 ms) ×1 | ${hungRun.ms.toFixed(0)} ms | ≤ 3000 ms + start-up (\`credguard --version\` ${startup.toFixed(0)} ms + HCL parser) — ${hungRun.ms <= 3000 + startup + 1500 ? 'met' : 'MISSED'} |`,
      '',
      `check, ${RUNS} interleaved runs each, median (network calls during the timed runs: ${checkCalls}):`,
      '',
      ...ratioTable(cases, r),
    ];
    lines.push('', `target: check ≤ 1.5× node -e 0 with no network call — ${ratio <= 1.5 && checkCalls === 0 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×, ${checkCalls} calls)`);
    console.log(lines.join('\n'));
  } finally {
    await stub.stop();
    await hung.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
