// whoami and refresh against a real moto STS (auth enforced) and a local STS stub.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, statSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type Moto, type MotoUser } from '../helpers/moto.js';
import { startStsStub, type StsStub } from '../helpers/sts-stub.js';
import { needs } from '../helpers/integration.js';
import { baseEnv, runCli, runCliAsync, type RunResult } from '../helpers/cli.js';
import { KEYS } from '../helpers/fakectx.js';

const skip = needs('moto');

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'credguard-home-'));
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  return home;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

describe('whoami against moto (auth enforced)', { skip }, () => {
  let moto: Moto;
  let alice: MotoUser;
  const outputs: RunResult[] = [];
  const homes: string[] = [];
  const secrets: string[] = [];

  // Async: the moto proxy and the STS stub live in this process, a sync spawn would block them.
  const whoami = async (home: string, env: Record<string, string>, ...args: string[]): Promise<RunResult> => {
    const r = await runCliAsync(['whoami', '--json', ...args], { env: baseEnv(home, { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', ...env }) });
    outputs.push(r);
    return r;
  };
  const home = (): string => {
    const h = freshHome();
    homes.push(h);
    return h;
  };

  before(async () => {
    moto = await startMoto({ enforceAuth: true });
    alice = await moto.createUser('alice');
    secrets.push(alice.secretAccessKey, KEYS.session.token, KEYS.a.secret);
  });
  after(async () => {
    await moto?.stop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  test('a valid key: identity, exit 0, then served from the cache without a call', async () => {
    const h = home();
    const env = { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    moto.resetCounts();
    const r = await whoami(h, env);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.status, 'ok');
    assert.equal(j.identity.account, alice.account);
    assert.equal(j.identity.arn, alice.arn);
    assert.equal(j.source, 'env');
    assert.equal(j.fromCache, false);
    assert.equal(moto.count('GetCallerIdentity'), 1);
    const again = JSON.parse((await whoami(h, env)).stdout);
    assert.equal(again.fromCache, true);
    assert.equal(moto.count('GetCallerIdentity'), 1, 'the cached answer made no STS call');
    const forced = JSON.parse((await whoami(h, env, "--refresh")).stdout);
    assert.equal(forced.fromCache, false);
    assert.equal(moto.count('GetCallerIdentity'), 2);
  });

  test('a profile from ~/.aws/credentials is used for exactly that source', async () => {
    const h = home();
    writeFileSync(join(h, '.aws', 'credentials'), `[deploy]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    const r = await whoami(h, { AWS_PROFILE: 'deploy' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.source, 'profile');
    assert.equal(j.profile, 'deploy');
    assert.equal(j.identity.account, alice.account);
  });

  test('whoami --profile prod does not repaint the prompt of a shell whose AWS_PROFILE is dev', async () => {
    const h = home();
    writeFileSync(join(h, '.aws', 'credentials'), `[prod]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n[dev]\naws_access_key_id = ${KEYS.b.id}\naws_secret_access_key = ${KEYS.b.secret}\n`);
    const state = join(h, '.cache', 'credguard', 'prompt', 'profile-dev.state');
    assert.equal((await whoami(h, { AWS_PROFILE: 'dev' }, '--profile', 'prod')).code, 0);
    assert.ok(!existsSync(state), 'no prompt state written for the shell context');
    assert.equal((await whoami(h, { AWS_PROFILE: 'dev' })).code, 1);
    assert.match(readFileSync(state, 'utf8'), /^label=dev$/m);
    assert.match(readFileSync(state, 'utf8'), /^status=invalid$/m);
  });

  test('quoted values in ~/.aws/credentials work, as they do for Terraform', async () => {
    const h = home();
    writeFileSync(join(h, '.aws', 'credentials'), `[quoted]\nAWS_ACCESS_KEY_ID = "${alice.accessKeyId}"\naws_secret_access_key = '${alice.secretAccessKey}'\n`);
    const r = await whoami(h, { AWS_PROFILE: 'quoted' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).identity.account, alice.account);
  });

  test('an unknown key: wrong-credentials / InvalidClientTokenId, exit 1', async () => {
    const r = await whoami(home(), { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.status, 'invalid');
    assert.equal(j.cause, 'wrong-credentials');
    assert.equal(j.error.code, 'InvalidClientTokenId');
  });

  test('a wrong secret: wrong-credentials / SignatureDoesNotMatch', async () => {
    const r = await whoami(home(), { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.a.secret });
    const j = JSON.parse(r.stdout);
    assert.equal(r.code, 1);
    assert.equal(j.cause, 'wrong-credentials');
    assert.equal(j.error.code, 'SignatureDoesNotMatch');
  });

  test('an AKIA key with a leftover session token: env-override', async () => {
    const r = await whoami(home(), { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey, AWS_SESSION_TOKEN: KEYS.session.token });
    const j = JSON.parse(r.stdout);
    assert.equal(r.code, 1);
    assert.equal(j.cause, 'env-override');
    assert.equal(j.error.code, 'InvalidClientTokenId');
    assert.ok(j.findings.some((f: { fix?: string }) => f.fix === 'unset AWS_SESSION_TOKEN'));
  });

  test('a key that worked and was then deleted: inactive-key', async () => {
    const bob = await moto.createUser('bob');
    secrets.push(bob.secretAccessKey);
    const h = home();
    const env = { AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey };
    assert.equal((await whoami(h, env)).code, 0);
    await moto.deleteAccessKey('bob', bob.accessKeyId);
    const j = JSON.parse((await whoami(h, env, "--refresh")).stdout);
    assert.equal(j.cause, 'inactive-key');
  });

  test('50 concurrent refreshes of one context make exactly one STS call', async () => {
    const h = home();
    const env = baseEnv(h, { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey });
    moto.resetCounts();
    const runs = await Promise.all(Array.from({ length: 50 }, () => runCliAsync(['refresh', '--quiet'], { env })));
    outputs.push(...runs);
    assert.ok(runs.every((r) => r.code === 0), runs.map((r) => r.stderr).join(''));
    assert.equal(moto.count('GetCallerIdentity'), 1);
    const state = readFileSync(join(h, '.cache', 'credguard', 'prompt', `env-${alice.accessKeyId}.state`), 'utf8');
    assert.match(state, /^status=ok$/m);
    assert.match(state, new RegExp(`^account=${alice.account}$`, 'm'));
  });

  test('cache permissions: directories 0700, files 0600', async () => {
    const h = home();
    await whoami(h, { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey });
    const root = join(h, '.cache', 'credguard');
    assert.equal(statSync(root).mode & 0o777, 0o700);
    for (const f of walk(root)) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  });

  test('no secret or token ever reaches the cache or any output', () => {
    assert.ok(outputs.length > 10);
    for (const s of secrets) {
      for (const r of outputs) {
        assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'secret in output');
      }
      for (const h of homes) {
        for (const f of walk(join(h, '.cache'))) assert.ok(!readFileSync(f, 'utf8').includes(s), `secret in ${f}`);
      }
    }
  });
});

describe('whoami against a hung or failing endpoint', () => {
  let stub: StsStub;
  before(async () => {
    stub = await startStsStub({ hang: true });
  });
  after(async () => stub?.stop());

  test('a hung endpoint: whoami returns within its timeout with a clear status', async () => {
    const h = freshHome();
    const started = Date.now();
    const r = await runCliAsync(['whoami'], { env: baseEnv(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret, CREDGUARD_STS_TIMEOUT_MS: '1000' }) });
    const elapsed = Date.now() - started;
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Timeout: no answer from STS within 1000 ms/);
    assert.ok(elapsed < 1000 + 2500, `took ${elapsed} ms`);
    rmSync(h, { recursive: true, force: true });
  });

  test('20 concurrent refreshes against a hung endpoint still make one call', async () => {
    const h = freshHome();
    stub.resetCounts();
    const env = baseEnv(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEYS.b.id, AWS_SECRET_ACCESS_KEY: KEYS.b.secret, CREDGUARD_STS_TIMEOUT_MS: '1000' });
    const runs = await Promise.all(Array.from({ length: 20 }, () => runCliAsync(['refresh', '--quiet'], { env })));
    assert.ok(runs.every((r) => r.code === 1 && r.stderr === ''), runs.map((r) => r.stderr).join(''));
    assert.equal(stub.count('GetCallerIdentity'), 1);
    rmSync(h, { recursive: true, force: true });
  });

  test('ExpiredToken from STS: expired-credentials', async () => {
    stub.set({ error: 'ExpiredToken' });
    const h = freshHome();
    const r = await runCliAsync(['whoami', '--json'], { env: baseEnv(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token }) });
    const j = JSON.parse(r.stdout);
    assert.equal(j.status, 'expired');
    assert.equal(j.cause, 'expired-credentials');
    rmSync(h, { recursive: true, force: true });
  });

  test('a clock-skew rejection: clock-skew', async () => {
    stub.set({ error: 'ClockSkew' });
    const h = freshHome();
    const r = await runCliAsync(['whoami', '--json'], { env: baseEnv(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret }) });
    assert.equal(JSON.parse(r.stdout).cause, 'clock-skew');
    rmSync(h, { recursive: true, force: true });
  });
});

describe('whoami usage and hostile input', () => {
  test('an unknown flag is a usage error (exit 2) with a hint, no stack', () => {
    const r = runCli(['whoami', '--bogus'], { env: baseEnv(freshHome()) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hint:/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  });

  test('a symlinked cache directory is refused', () => {
    const h = freshHome();
    const real = mkdtempSync(join(tmpdir(), 'credguard-real-'));
    mkdirSync(join(h, '.cache'));
    symlinkSync(real, join(h, '.cache', 'credguard'));
    const r = runCli(['whoami'], { env: baseEnv(h, { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a symlink/);
    assert.deepEqual(readdirSync(real), []);
  });

  test('garbage env values give findings, not a crash', () => {
    const r = runCli(['whoami', '--json'], { env: baseEnv(freshHome(), { AWS_ACCESS_KEY_ID: '\u0001\u0002 junk', AWS_SECRET_ACCESS_KEY: 'x', AWS_CREDENTIAL_EXPIRATION: 'never', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(j.findings.some((f: { message: string }) => /AWS_CREDENTIAL_EXPIRATION is not a timestamp/.test(f.message)));
  });

  test('a failing credential_process that prints a secret: the secret reaches no output and no cache file', async () => {
    const h = freshHome();
    const secret = 'Qz8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kX';
    writeFileSync(join(h, '.aws', 'config'), `[profile proc]\ncredential_process = sh -c "echo ${secret} >&2; exit 3"\n`);
    const env = baseEnv(h, { AWS_PROFILE: 'proc', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' });
    const text = await runCliAsync(['whoami'], { env });
    const json = await runCliAsync(['whoami', '--json', '--refresh'], { env });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /credential_process command failed/);
    for (const r of [text, json]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'secret in output');
    for (const f of walk(join(h, '.cache'))) assert.ok(!readFileSync(f, 'utf8').includes(secret), `secret in ${f}`);
  });

  test('terminal escapes in AWS_PROFILE are neutralised; a 300-character profile name is no crash', async () => {
    const h = freshHome();
    const osc = await runCliAsync(['whoami'], { env: baseEnv(h, { AWS_PROFILE: 'x\u001b]2;pwned\u0007', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    assert.equal(osc.code, 1);
    assert.ok(!/[\u0007\u001b]/.test(osc.stdout + osc.stderr), 'no raw control character reaches the terminal');
    assert.match(osc.stdout, /Profile "x\?\]2;pwned\?"/);
    const long = await runCliAsync(['refresh'], { env: baseEnv(h, { AWS_PROFILE: 'p'.repeat(300), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    assert.equal(long.code, 1, long.stderr);
    assert.equal(long.stderr, '');
  });

  test('an invalid config file is a clear error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'credguard-cfg-'));
    writeFileSync(join(dir, '.credguardrc.json'), '{"sts": {"timeoutMs": "soon"}}');
    const r = runCli(['whoami'], { env: baseEnv(freshHome()), cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.credguardrc\.json: "sts\.timeoutMs" must be a non-negative number/);
  });
});

