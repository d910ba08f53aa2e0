// check and exec: the pre-flight gate. Fresh cache → no network and neither the HCL parser nor
// the AWS SDK loaded; a failure is one line naming the cause and the fix; exec passes exit codes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStsStub, type StsStub } from '../helpers/sts-stub.js';
import { spawn } from 'node:child_process';
import { BIN, baseEnv, runCliAsync } from '../helpers/cli.js';
import { KEYS, staticIni } from '../helpers/fakectx.js';

const homes: string[] = [];
const PRELOAD = new URL('../helpers/trace-loads.mjs', import.meta.url).pathname;

describe('check and exec', () => {
  let stub: StsStub;
  let h: string;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    stub = await startStsStub({ ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } });
    h = mkdtempSync(join(tmpdir(), 'credguard-check-'));
    homes.push(h);
    mkdirSync(join(h, '.aws'));
    writeFileSync(join(h, '.aws', 'credentials'), staticIni('default', KEYS.a) + staticIni('prod', KEYS.b));
    dir = join(h, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), `provider "aws" {\n  region = "us-east-1"\n  allowed_account_ids = ["123456789012"]\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`);
    env = baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache') });
  });
  after(async () => {
    await stub.stop();
    for (const x of homes) rmSync(x, { recursive: true, force: true });
  });

  test('a Terraform file that does not parse: one line naming it, no network call', async () => {
    const broken = join(h, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'main.tf'), 'provider "aws" {\n  region = \n');
    stub.resetCounts();
    const r = await runCliAsync(['check'], { env, cwd: broken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot parse main\.tf: line 2/);
    assert.equal(stub.count(), 0);
  });

  test('--dir that is not a directory is a usage error, for check as for doctor (never the environment instead)', async () => {
    stub.resetCounts();
    for (const cmd of ['check', 'doctor']) {
      const r = await runCliAsync([cmd, '--dir', join(h, 'no-such-dir')], { env, cwd: h });
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /no-such-dir: not a directory\.\nhint: Point --dir/);
    }
    assert.equal(stub.count(), 0);
  });

  test('cold: one STS call, silent exit 0; warm: no call, no HCL parser, no AWS SDK', async () => {
    stub.resetCounts();
    const cold = await runCliAsync(['check'], { env, cwd: dir });
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(cold.stdout + cold.stderr, '');
    assert.equal(stub.count('GetCallerIdentity'), 1);
    assert.ok(readdirSync(join(h, '.cache', 'terraform')).some((f) => f.startsWith('tfsum-')), 'provider summary cached');
    const trace = join(h, 'trace.txt');
    const warm = await runCliAsync(['check', '--verbose'], { env: { ...env, NODE_OPTIONS: `--import ${PRELOAD}`, CREDGUARD_TEST_TRACE_OUT: trace }, cwd: dir });
    assert.equal(warm.code, 0, warm.stderr);
    assert.match(warm.stdout, /^credguard check: ok — aws: 123456789012/);
    assert.equal(stub.count('GetCallerIdentity'), 1, 'no network on a fresh cache');
    const loaded = readFileSync(trace, 'utf8');
    assert.ok(!/hcl2-json-parser/.test(loaded), 'hcl2-json-parser not loaded');
    assert.ok(!/@aws-sdk\/client-sts|@aws-sdk\/credential-providers/.test(loaded), 'AWS SDK not loaded');
  });

  test('the warm path follows the environment and the AWS files: a new AWS_PROFILE or key is resolved again', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const warm = await runCliAsync(['check'], { env, cwd: dir });
    assert.equal(warm.code, 0, warm.stderr);
    const missing = await runCliAsync(['check'], { env: { ...env, AWS_PROFILE: 'nope' }, cwd: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^credguard check: aws: missing-profile: .* — fix: export AWS_PROFILE=default/);
    stub.resetCounts();
    writeFileSync(join(h, '.aws', 'credentials'), staticIni('default', KEYS.b) + staticIni('prod', KEYS.b));
    const rekeyed = await runCliAsync(['check'], { env, cwd: dir });
    assert.equal(rekeyed.code, 0, rekeyed.stderr);
    assert.equal(stub.count('GetCallerIdentity'), 1, 'a new key id is a new context: checked once');
    writeFileSync(join(h, '.aws', 'credentials'), staticIni('default', KEYS.a) + staticIni('prod', KEYS.b));
  });

  test('changed Terraform files are re-read: a now-forbidden account fails with one line', async () => {
    writeFileSync(join(dir, 'main.tf'), `provider "aws" {\n  region = "us-east-1"\n  forbidden_account_ids = ["123456789012"]\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`);
    const r = await runCliAsync(['check'], { env, cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /^credguard check: aws: wrong-profile: account 123456789012 is in forbidden_account_ids .* — fix: export AWS_PROFILE=/);
  });

  test('a failing identity: one line with cause and fix; exec refuses to run the command; --force runs it', async () => {
    writeFileSync(join(dir, 'main.tf'), `provider "aws" {\n  region = "us-east-1"\n  profile = "prod"\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`);
    stub.set({ error: 'InvalidClientTokenId' });
    const r = await runCliAsync(['check'], { env, cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^credguard check: aws: wrong-credentials: InvalidClientTokenId: .* — fix: aws configure --profile prod$/);
    const marker = join(h, 'ran');
    const refused = await runCliAsync(['exec', '--', 'sh', '-c', `touch ${marker}`], { env, cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /wrong-credentials/);
    assert.throws(() => readFileSync(marker));
    const forced = await runCliAsync(['exec', '--force', '--', 'sh', '-c', `touch ${marker}; exit 3`], { env, cwd: dir });
    assert.equal(forced.code, 3);
    readFileSync(marker);
  });

  test('-var / -var-file: check reads them (--var, --var-file); exec reads terraform\'s own, -chdir included', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const mod = join(h, 'vars');
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(mod, 'main.tf'), `variable "profile" {}\nprovider "aws" {\n  region  = "us-east-1"\n  profile = var.profile\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`);
    writeFileSync(join(mod, 'prod.tfvars'), 'profile = "prod"\n');
    // a cache of its own: an earlier test left a failure cached for profile prod
    const vEnv: Record<string, string> = { ...env, CREDGUARD_CACHE_DIR: join(h, '.cache-vars') };
    const nope = await runCliAsync(['check', '--var', 'profile=nope'], { env: vEnv, cwd: mod });
    assert.equal(nope.code, 1);
    assert.match(nope.stderr, /missing-profile/);
    assert.match(nope.stderr, /nope/);
    const file = await runCliAsync(['check', '--var', 'profile=nope', '--var-file', 'prod.tfvars'], { env: vEnv, cwd: mod });
    assert.equal(file.code, 0, `later wins: ${file.stderr}`);
    // the cached summary of the passing run is not taken for the same options in another
    // order (later wins, so the order is the answer) …
    const reordered = await runCliAsync(['check', '--var-file', 'prod.tfvars', '--var', 'profile=nope'], { env: vEnv, cwd: mod });
    assert.equal(reordered.code, 1, reordered.stderr);
    assert.match(reordered.stderr, /missing-profile/);
    // … nor for another command line
    const again = await runCliAsync(['check', '--var', 'profile=nope'], { env: vEnv, cwd: mod });
    assert.equal(again.code, 1, again.stderr);
    const bad = await runCliAsync(['check', '--var', 'profile'], { env: vEnv, cwd: mod });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--var needs NAME=VALUE; one has no "="/);
    // a value is never repeated back: it may be a secret
    const secret = await runCliAsync(['check', '--var', '=hunter2'], { env: vEnv, cwd: mod });
    assert.equal(secret.code, 2);
    assert.doesNotMatch(secret.stderr, /hunter2/);

    // a stand-in terraform on PATH records that it ran
    const bin = join(h, 'bin');
    mkdirSync(bin, { recursive: true });
    const marker = join(h, 'terraform-ran');
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh\necho "$@" > ${marker}\n`, { mode: 0o755 });
    const tfEnv = { ...vEnv, PATH: `${bin}:${vEnv['PATH'] ?? ''}` };
    const refused = await runCliAsync(['exec', '--', 'terraform', '-chdir=vars', 'plan', '-var', 'profile=nope'], { env: tfEnv, cwd: h });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /missing-profile/);
    assert.throws(() => readFileSync(marker));
    // -var-file is relative to -chdir's directory, as in terraform
    const ran = await runCliAsync(['exec', '--', 'terraform', '-chdir=vars', 'plan', '-var=profile=nope', '-var-file=prod.tfvars'], { env: tfEnv, cwd: h });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(readFileSync(marker, 'utf8'), '-chdir=vars plan -var=profile=nope -var-file=prod.tfvars\n');
  });

  test('exec passes the exit code and signals (128+n) through, with inherited stdio', async () => {
    stub.set({ ok: { account: '123456789012' } });
    writeFileSync(join(dir, 'main.tf'), `provider "aws" {\n  region = "us-east-1"\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`);
    const ok = await runCliAsync(['exec', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7'], { env, cwd: dir });
    assert.equal(ok.code, 7, ok.stderr);
    assert.equal(ok.stdout, 'out\n');
    assert.equal(ok.stderr, 'err\n');
    const sig = await runCliAsync(['exec', '--', 'sh', '-c', 'kill -TERM $$'], { env, cwd: dir });
    assert.equal(sig.code, 143);
    // SIGTERM to credguard is forwarded; the child's own exit code comes back
    const child = spawn(process.execPath, [BIN, 'exec', '--', 'sh', '-c', 'trap "exit 42" TERM; echo ready; sleep 5 >/dev/null 2>&1 & wait'], { env, cwd: dir });
    const code = await new Promise<number>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGTERM'));
      child.on('close', (c) => resolve(c ?? -1));
    });
    assert.equal(code, 42);
    const missing = await runCliAsync(['exec', '--', 'credguard-no-such-command'], { env, cwd: dir });
    assert.equal(missing.code, 127);
    const none = await runCliAsync(['exec'], { env, cwd: dir });
    assert.equal(none.code, 2);
  });
});
