// Benchmark of `credguard env-check` — what `use credguard` adds to every `cd` into a direnv
// directory — against a bare `node -e 0` (target: env-check ≤ 1.3× node -e 0), in one run:
//   node --import tsx bench/envcheck.ts        (BENCH_RUNS=n to change the number of runs)
// Wall time of whole processes, median of interleaved runs (round-robin, so a load spike hits
// every row alike), plus the median user+sys CPU time from /usr/bin/time where available (much
// steadier than wall time on a busy machine). NODE_EXTRA_CA_CERTS is unset for every Node
// process timed: where it is set, Node reads the whole CA bundle at startup (~90 ms on the
// machine this was written on), which would swamp what is measured here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, nodeEnv, ratioTable, requireBuild, roundRobin, type TimedCase } from './lib/measure.js';

const RUNS = Math.max(3, Number(process.env['BENCH_RUNS']) || 30);
const WARMUP = 3;
const TARGET = 1.3;

// Fake keys of the right shape — never real credentials.
// The AWS documentation's two example key pairs: right shape, never valid.
const KEY_A = { id: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const KEY_B = { id: 'AKIAI44QH8DHBEXAMPLE', secret: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

function setup(): { home: string; project: string } {
  const home = mkdtempSync(join(tmpdir(), 'credguard-bench-envcheck-'));
  mkdirSync(join(home, '.aws'), { recursive: true });
  const profiles = ['dev', 'staging', 'prod', 'audit', 'sandbox'];
  writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${KEY_A.id}\naws_secret_access_key = ${KEY_A.secret}\n\n[prod]\naws_access_key_id = ${KEY_B.id}\naws_secret_access_key = ${KEY_B.secret}\n`);
  writeFileSync(join(home, '.aws', 'config'), [
    '[default]\nregion = us-east-1\n',
    ...profiles.filter((p) => p !== 'prod').map((p, i) => `[profile ${p}]\nrole_arn = arn:aws:iam::12345678901${i}:role/Admin\nsource_profile = prod\nregion = eu-west-1\n`),
    '[profile prod]\nregion = eu-west-1\n',
    '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-west-2\n',
    '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
  ].join('\n'));
  const project = join(home, 'project');
  mkdirSync(project);
  return { home, project };
}

function main(): void {
  requireBuild();
  const { home, project } = setup();
  try {
    const node = process.execPath;
    const stale = { AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: KEY_A.id, AWS_SECRET_ACCESS_KEY: KEY_A.secret };
    const cases: TimedCase[] = [
      { name: 'node -e 0', argv: [node, '-e', '0'], env: nodeEnv(home), cwd: project },
      { name: 'credguard --version (dispatcher only)', argv: [node, BIN, '--version'], env: nodeEnv(home), cwd: project },
      { name: 'env-check (clean, profile prod)', argv: [node, BIN, 'env-check'], env: nodeEnv(home, { AWS_PROFILE: 'prod' }), cwd: project },
      {
        name: 'env-check --profile prod --account … --region … --fix --shell bash (stale env keys)',
        argv: [node, BIN, 'env-check', '--profile', 'prod', '--account', '123456789012', '--region', 'eu-west-1', '--fix', '--shell', 'bash'],
        env: nodeEnv(home, stale),
        cwd: project,
      },
    ];
    const r = roundRobin(cases, RUNS, { warmup: WARMUP });
    const lines = [
      `env-check benchmark — ${RUNS} interleaved runs each (after ${WARMUP} warm-up rounds), median; node ${process.version}, ${cpus().length} CPU(s) (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}`,
      'NODE_EXTRA_CA_CERTS unset for every timed process (it adds ~90 ms of CA-bundle loading per Node start on this machine).',
      '',
      ...ratioTable(cases, r),
    ];
    const ratio = (r.wall[2] ?? NaN) / (r.wall[0] ?? NaN);
    lines.push('', `target: env-check ≤ ${TARGET}× node -e 0 — ${ratio <= TARGET ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×)`);
    console.log(lines.join('\n'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

main();
