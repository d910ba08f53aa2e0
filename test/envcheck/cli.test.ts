// `credguard env-check` as a user (and the direnv library) runs it: the compiled CLI, a temp
// HOME, a controlled environment. Also: it loads neither the AWS SDK nor the HCL parser.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, BIN, runCli } from '../helpers/cli.js';
import { KEYS } from '../helpers/fakectx.js';
import { accountIdFromKeyId } from '../../src/core/keys.js';
import { resolveCredentials } from '../../src/core/resolve.js';
import { processContext } from '../../src/core/context.js';
import { entryPath } from '../../src/core/identity.js';
import { openCache } from '../../src/core/cache.js';

const homes: string[] = [];
after(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'credguard-envcheck-'));
  homes.push(h);
  mkdirSync(join(h, '.aws'));
  mkdirSync(join(h, 'project'));
  writeFileSync(join(h, '.aws', 'credentials'), `[prod]\naws_access_key_id = ${KEYS.b.id}\naws_secret_access_key = ${KEYS.b.secret}\n`);
  writeFileSync(join(h, '.aws', 'config'), '[profile prod]\nregion = eu-west-1\n\n[profile proc]\ncredential_process = /bin/false\nregion = eu-west-1\n');
  return h;
}

const STALE = { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret };
const envCheck = (h: string, extra: Record<string, string>, ...args: string[]) =>
  runCli(['env-check', ...args], { env: baseEnv(h, { XDG_CACHE_HOME: join(h, '.cache'), ...extra }), cwd: join(h, 'project') });

describe('credguard env-check', () => {
  test('clean: exit 0, one summary line; --shell bash prints nothing', () => {
    const h = home();
    const r = envCheck(h, { AWS_PROFILE: 'prod' }, '--profile', 'prod');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^✓ AWS environment OK for Terraform: profile prod, account \d{12}, eu-west-1\n$/);
    const s = envCheck(h, { AWS_PROFILE: 'prod' }, '--profile', 'prod', '--shell', 'bash');
    assert.equal(s.code, 0);
    assert.equal(s.stdout, '');
    assert.equal(s.stderr, '');
  });

  test('stale keys: exit 1, env-override naming the variables, masked', () => {
    const h = home();
    const r = envCheck(h, { ...STALE, AWS_PROFILE: 'prod' }, '--profile', 'prod');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set: Terraform uses these keys, not profile "prod"/);
    assert.match(r.stdout, /\[env-override\]/);
    assert.match(r.stdout, /fix: +unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN/);
    assert.ok(!r.stdout.includes(KEYS.a.id) && !r.stdout.includes(KEYS.a.secret));
  });

  test('--fix --shell bash: the line protocol the direnv library reads', () => {
    const h = home();
    const r = envCheck(h, { ...STALE, AWS_SESSION_TOKEN: 'tok', AWS_PROFILE: 'prod' }, '--profile', 'prod', '--fix', '--shell', 'bash');
    const lines = r.stdout.trimEnd().split('\n');
    // AKIA key + token is an error of its own; after the fix nothing is left: exit 0.
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(lines.filter((l) => l.startsWith('unset ')), ['unset AWS_ACCESS_KEY_ID', 'unset AWS_SECRET_ACCESS_KEY', 'unset AWS_SESSION_TOKEN']);
    assert.ok(lines.some((l) => /^status credguard: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN for this directory \[env-override\]/.test(l)));
    for (const l of lines) assert.match(l, /^(unset|error|warn|status) /);
  });

  test('--json: findings with cause, severity, evidence, fix, unset; --strict raises warnings', () => {
    const h = home();
    const r = envCheck(h, { ...STALE, AWS_PROFILE: 'prod' }, '--profile', 'prod', '--json');
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, false);
    const f = j.findings.find((x: { cause: string }) => x.cause === 'env-override');
    assert.equal(f.severity, 'warn');
    assert.equal(f.fix, 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
    assert.deepEqual(f.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    assert.equal(j.context.source, 'env');
    assert.equal(j.context.account, accountIdFromKeyId(KEYS.a.id));
    const strict = JSON.parse(envCheck(h, { ...STALE, AWS_PROFILE: 'prod' }, '--profile', 'prod', '--json', '--strict').stdout);
    assert.equal(strict.findings.find((x: { cause: string }) => x.cause === 'env-override').severity, 'error');
  });

  test('usage errors exit 2 with a hint', () => {
    const h = home();
    for (const args of [['--account', '12345'], ['--shell', 'zsh'], ['--json', '--shell', 'bash'], ['--bogus'], ['extra'], ['--region', 'mars'], ['--profile', '']]) {
      const r = envCheck(h, {}, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^credguard: .*\nhint: /, args.join(' '));
    }
    const help = envCheck(h, {}, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: credguard env-check/);
  });

  test('config: envCheck.expiringMinutes and envCheck.strict; unknown keys are usage errors', () => {
    const h = home();
    const soon = new Date(Date.now() + 40 * 60_000).toISOString();
    const env = { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_CREDENTIAL_EXPIRATION: soon };
    assert.equal(envCheck(h, env).code, 0, 'default threshold 15 min');
    writeFileSync(join(h, 'project', '.credguardrc.json'), JSON.stringify({ envCheck: { expiringMinutes: 60, strict: true } }));
    const r = envCheck(h, env, '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { cause: string; severity: string }) => [f.cause, f.severity]), [['expired-credentials', 'error']]);
    writeFileSync(join(h, 'project', '.credguardrc.json'), JSON.stringify({ envCheck: { expiringMinute: 60 } }));
    const bad = envCheck(h, env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown key "envCheck.expiringMinute"/);
  });

  test('--account uses the identity cached by whoami when the key id says nothing, read-only', async () => {
    const h = home();
    const env = { AWS_PROFILE: 'proc', XDG_CACHE_HOME: join(h, '.cache') };
    const unknown = envCheck(h, env, '--account', '123456789012', '--json');
    assert.equal(unknown.code, 0);
    assert.match(unknown.stdout, /credguard whoami/);
    assert.throws(() => readFileSync(join(h, '.cache', 'credguard', 'identity')), 'env-check created no cache');
    const r = await resolveCredentials(processContext({ HOME: h, AWS_PROFILE: 'proc' }));
    const store = openCache(join(h, '.cache', 'credguard'));
    const now = Date.now();
    writeFileSync(entryPath(store, r.contextKey), JSON.stringify({ v: 1, source: 'profile', profile: 'proc', keyId: '', region: 'eu-west-1', endpoint: '', status: 'ok', account: '555555555555', arn: 'arn:aws:iam::555555555555:user/x', checkedAt: now - 60_000, freshUntil: now + 60_000, refreshable: false }));
    const cached = envCheck(h, env, '--account', '123456789012', '--json');
    assert.equal(cached.code, 1);
    const f = JSON.parse(cached.stdout).findings[0];
    assert.equal(f.cause, 'wrong-profile');
    assert.match(f.evidence, /555555555555 \(from cached identity/);
    assert.equal(envCheck(h, env, '--account', '555555555555').code, 0);
  });

  test('loads neither the AWS SDK nor the HCL parser, and makes no network connection', () => {
    const h = home();
    const trace = join(h, 'trace.txt');
    const preload = new URL('../helpers/trace-loads.mjs', import.meta.url).pathname;
    const scenarios: Array<[Record<string, string>, string[]]> = [
      [{ AWS_PROFILE: 'prod' }, []],
      [{ ...STALE, AWS_SESSION_TOKEN: 'tok' }, ['--profile', 'prod', '--account', '123456789012', '--region', 'us-east-1', '--fix', '--shell', 'bash']],
      [{ AWS_PROFILE: 'proc' }, ['--account', '123456789012', '--json']],
    ];
    for (const [extra, args] of scenarios) {
      rmSync(trace, { force: true });
      const env = baseEnv(h, { ...extra, XDG_CACHE_HOME: join(h, '.cache'), CREDGUARD_TEST_TRACE_OUT: trace, AWS_EC2_METADATA_DISABLED: 'true' });
      const r = spawnSync(process.execPath, ['--import', preload, BIN, 'env-check', ...args], { env, cwd: join(h, 'project'), encoding: 'utf8' });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
      // The trace works: it sees the env-check bundle (loaded by bin/credguard.js itself).
      assert.ok(loaded.some((l) => l.startsWith('bundle ') && l.endsWith('/dist/bundle/env-check.js')), 'trace saw env-check');
      const heavy = loaded.filter((l) => /@aws-sdk\/|hcl2-json-parser|cosmiconfig|node:(https?|net|tls|dns)$/.test(l));
      assert.deepEqual(heavy, [], `env-check ${args.join(' ')} loaded heavy modules`);
    }
  });
});
