// doctor for the causes moto cannot reproduce — expired sessions, an Inactive key (IAM says so
// while moto still authenticates it), an opt-in Region, clock skew, a hung endpoint — with
// injected files and clock, the STS stub (real STS error bodies) and moto for IAM.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStsStub, type StsStub, type StubRequest } from '../helpers/sts-stub.js';
import { startMoto, type Moto, type MotoUser } from '../helpers/moto.js';
import { needs } from '../helpers/integration.js';
import { baseEnv, runCliAsync, type RunResult } from '../helpers/cli.js';
import { KEYS, staticIni } from '../helpers/fakectx.js';
import { processContext } from '../../src/core/context.js';
import { diagnose } from '../../src/doctor/run.js';
import { DOCTOR_DEFAULTS } from '../../src/doctor/types.js';
import { durationSeconds } from '../../src/doctor/targets.js';
import { isOptInRegion, OPT_IN_REGIONS } from '../../src/doctor/regions.js';

interface DoctorJson {
  version: number;
  exitCode: number;
  ok: boolean;
  identity: { status: string; account: string | null; arn: string | null; cause: string | null } | null;
  checks: Array<{ target: string; id: string; status: string; detail: string }>;
  findings: Array<{ target: string; check: string; cause: string; severity: string; message: string; evidence: string | null; fix: string | null }>;
  providers: Array<{ address: string; source: string; account: string | null; assumeRole: { roleArn: string; hops: string[]; assumedArn: string | null } | null; unknowns: unknown[]; trace: string[] }>;
  terraform: { files: string[]; varFiles: string[] } | null;
}

const homes: string[] = [];
const outputs: RunResult[] = [];
function home(files: Record<string, string> = {}): string {
  const h = mkdtempSync(join(tmpdir(), 'credguard-doctor-'));
  homes.push(h);
  mkdirSync(join(h, '.aws'), { mode: 0o700 });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(h, rel, '..'), { recursive: true });
    writeFileSync(join(h, rel), text);
  }
  return h;
}
function project(h: string, files: Record<string, string>): string {
  const dir = join(h, 'project');
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
  return dir;
}
async function doctor(h: string, env: Record<string, string>, cwd: string = h, ...args: string[]): Promise<{ r: RunResult; json: DoctorJson }> {
  const r = await runCliAsync(['doctor', '--json', '--no-iam', ...args], { env: baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache'), AWS_REGION: 'us-east-1', ...env }), cwd });
  outputs.push(r);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return { r, json: JSON.parse(r.stdout) as DoctorJson };
}
const errorsOf = (j: DoctorJson) => j.findings.filter((f) => f.severity === 'error');

after(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
  for (const r of outputs) for (const s of [KEYS.a.secret, KEYS.b.secret, KEYS.session.secret, KEYS.session.token]) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'secret leaked');
});

describe('doctor with the STS stub', () => {
  let stub: StsStub;
  before(async () => {
    stub = await startStsStub({ ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } });
  });
  after(async () => stub.stop());

  test('healthy environment, no Terraform files: exit 0, no error, schema fields present', async () => {
    stub.set({ ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const { r, json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(json.version, 1);
    assert.equal(json.ok, true);
    assert.deepEqual(errorsOf(json), []);
    assert.equal(json.identity?.status, 'ok');
    assert.equal(json.identity?.account, '123456789012');
    assert.equal(json.providers[0]?.address, 'environment');
    for (const id of ['identity', 'source', 'profile', 'env', 'key', 'expiry', 'region', 'account', 'assume-role', 'clock']) {
      assert.ok(json.checks.some((c) => c.id === id), `check ${id} listed`);
    }
    assert.equal(json.checks.find((c) => c.id === 'identity')?.status, 'ok');
  });

  test('expired session in the environment (AWS_CREDENTIAL_EXPIRATION past): expired-credentials, no STS call', async () => {
    stub.set({ error: 'ExpiredToken' });
    stub.resetCounts();
    const h = home();
    const { json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() - 3600_000).toISOString() });
    const f = errorsOf(json).find((x) => x.cause === 'expired-credentials');
    assert.ok(f, JSON.stringify(json.findings));
    assert.match(f.fix ?? '', /^unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN/);
    assert.equal(stub.count('GetCallerIdentity'), 0, 'the model knows offline: no STS call');
  });

  test('STS answers ExpiredToken for a session without a known expiry: expired-credentials', async () => {
    stub.set({ error: 'ExpiredToken' });
    const h = home({ '.aws/credentials': `[sess]\naws_access_key_id = ${KEYS.session.id}\naws_secret_access_key = ${KEYS.session.secret}\naws_session_token = ${KEYS.session.token}\n` });
    const { json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_PROFILE: 'sess' });
    const f = errorsOf(json).find((x) => x.cause === 'expired-credentials');
    assert.ok(f, JSON.stringify(json.findings));
    assert.match(f.message, /ExpiredToken/);
    assert.match(f.fix ?? '', /profile sess/);
  });

  test('expired SSO session (no refresh token): aws sso login --profile prod', async () => {
    const { createHash } = await import('node:crypto');
    const cache = `.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`;
    const h = home({
      '.aws/config': '[profile prod]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
      [cache]: JSON.stringify({ accessToken: 'x', expiresAt: new Date(Date.now() - 60_000).toISOString() }),
    });
    const { json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_PROFILE: 'prod' });
    const f = errorsOf(json).find((x) => x.cause === 'expired-credentials');
    assert.ok(f, JSON.stringify(json.findings));
    assert.equal(f.fix, 'aws sso login --profile prod');
  });

  test('opt-in Region not enabled: STS there says InvalidClientTokenId, us-east-1 accepts → sts-region, add sts_region', async () => {
    const regionOf = (q: StubRequest) => /Credential=[^/]+\/\d{8}\/([^/]+)\/sts\//.exec(String(q.headers['authorization']))?.[1];
    stub.set((q) => (isOptInRegion(regionOf(q)) ? { error: 'InvalidClientTokenId' } : { ok: { account: '123456789012' } }));
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const provider = (extra: string) => `provider "aws" {\n  region = "ap-southeast-3"\n${extra}  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`;
    const dir = project(h, { 'main.tf': provider('') });
    const { json } = await doctor(h, {}, dir);
    const f = errorsOf(json).find((x) => x.cause === 'sts-region');
    assert.ok(f, JSON.stringify(json.findings));
    assert.equal(f.fix, 'add sts_region = "us-east-1" to provider "aws" in main.tf');
    assert.equal(f.target, 'aws');
    // the fix, applied: STS is now signed for us-east-1 and accepted
    writeFileSync(join(dir, 'main.tf'), provider('  sts_region = "us-east-1"\n'));
    const fixed = await doctor(h, {}, dir);
    assert.deepEqual(errorsOf(fixed.json), []);
    assert.equal(fixed.json.identity?.status, 'ok');
  });

  test('opt-in Region with working credentials: a warning with the sts_region fix, not an error', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const dir = project(h, { 'main.tf': `provider "aws" {\n  region = "il-central-1"\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n` });
    const { json } = await doctor(h, {}, dir);
    assert.deepEqual(errorsOf(json), []);
    const w = json.findings.find((x) => x.cause === 'sts-region' && x.severity === 'warn');
    assert.ok(w, JSON.stringify(json.findings));
    assert.match(w.fix ?? '', /sts_region = "us-east-1"/);
  });

  test('clock skew reported by STS (Signature expired): clock-skew', async () => {
    stub.set({ error: 'ClockSkew' });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const { json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint });
    const f = errorsOf(json).find((x) => x.cause === 'clock-skew');
    assert.ok(f, JSON.stringify(json.findings));
    assert.match(f.fix ?? '', /timedatectl set-ntp true/);
    assert.equal(json.checks.find((c) => c.id === 'clock')?.status, 'error');
  });

  test('clock skew measured from the Date header (injected clock 20 min fast)', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const ctx = { ...processContext(baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache'), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: stub.endpoint })), cwd: h, now: () => Date.now() + 20 * 60_000 };
    const report = await diagnose(ctx, { dir: h, iam: false, core: { ttlMs: 300_000, failureTtlMs: 30_000, timeoutMs: 3000 }, doctor: DOCTOR_DEFAULTS });
    const f = report.findings.find((x) => x.cause === 'clock-skew');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /1[12]\d\ds ahead of the STS endpoint/);
  });

  test('hung endpoint: doctor ends within the timeout plus startup, naming the endpoint', async () => {
    stub.set({ hang: true });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const t0 = Date.now();
    const { r, json } = await doctor(h, { AWS_ENDPOINT_URL_STS: stub.endpoint, CREDGUARD_STS_TIMEOUT_MS: '1000' });
    const ms = Date.now() - t0;
    assert.equal(r.code, 1);
    assert.ok(ms < 1000 + 3500, `took ${ms} ms`); // timeout + start-up (generous: CI machines are shared)
    const f = errorsOf(json)[0];
    assert.match(f?.message ?? '', /did not answer: Timeout/);
    assert.match(f?.evidence ?? '', new RegExp(stub.endpoint));
  });

  test('assume_role: tried at the provider endpoint; AccessDenied names the role; success gives the role account', async () => {
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const dir = project(h, {
      'main.tf': `provider "aws" {\n  region = "us-east-1"\n  allowed_account_ids = ["222222222222"]\n  assume_role {\n    role_arn = "arn:aws:iam::222222222222:role/deploy"\n  }\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`,
    });
    stub.set((q) => (q.action === 'AssumeRole' ? { error: 'AccessDenied' } : { ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } }));
    const denied = await doctor(h, {}, dir);
    const f = errorsOf(denied.json).find((x) => x.check === 'assume-role');
    assert.ok(f, JSON.stringify(denied.json.findings));
    assert.match(f.message, /AssumeRole arn:aws:iam::222222222222:role\/deploy → AccessDenied/);
    assert.match(f.fix ?? '', /let arn:aws:iam::123456789012:user\/alice assume arn:aws:iam::222222222222:role\/deploy/);
    stub.set({ ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } });
    const ok = await doctor(h, {}, dir);
    assert.deepEqual(errorsOf(ok.json), [], JSON.stringify(ok.json.findings));
    assert.equal(ok.json.providers[0]?.account, '222222222222');
    assert.match(ok.json.providers[0]?.assumeRole?.assumedArn ?? '', /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
  });

  test('role chaining: each hop is assumed with the credentials of the one before; a failing hop is named', async () => {
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) });
    const hub = 'arn:aws:iam::111111111111:role/hub';
    const deploy = 'arn:aws:iam::222222222222:role/deploy';
    const dir = project(h, {
      'main.tf': `provider "aws" {\n  region = "us-east-1"\n  allowed_account_ids = ["222222222222"]\n  assume_role {\n    role_arn = "${hub}"\n  }\n  assume_role {\n    role_arn = "${deploy}"\n  }\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n`,
    });
    const alice = { ok: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' } };
    stub.set((q) => (q.action === 'AssumeRole' && q.params.get('RoleArn') === deploy ? { error: 'AccessDenied' } : alice));
    const seenBefore = stub.requests().length;
    const denied = await doctor(h, {}, dir);
    const f = errorsOf(denied.json).find((x) => x.check === 'assume-role');
    assert.ok(f, JSON.stringify(denied.json.findings));
    assert.match(f.message, /fails \(hop 2 of 2\): AssumeRole arn:aws:iam::222222222222:role\/deploy → AccessDenied/);
    // the caller of hop 2 is the role of hop 1, not the base user
    assert.match(f.fix ?? '', /let arn:aws:sts::111111111111:assumed-role\/hub\/credguard-doctor assume arn:aws:iam::222222222222:role\/deploy/);
    const assumes = stub.requests().slice(seenBefore).filter((q) => q.action === 'AssumeRole');
    assert.deepEqual(assumes.map((q) => [q.params.get('RoleArn'), q.accessKeyId]), [[hub, KEYS.a.id], [deploy, 'ASIASTUBSTUBSTUBSTUB']]);
    // the account is not judged from the base identity when the chain did not get through
    assert.equal(errorsOf(denied.json).find((x) => x.check === 'account'), undefined, JSON.stringify(denied.json.findings));

    // a hop that does not answer is a network finding, not a verdict on the credentials
    stub.set((q) => (q.action === 'AssumeRole' && q.params.get('RoleArn') === deploy ? { hang: true } : alice));
    const hung = await doctor(h, { CREDGUARD_STS_TIMEOUT_MS: '700' }, dir);
    const n = errorsOf(hung.json).find((x) => x.check === 'assume-role');
    assert.equal(n?.cause, 'network', JSON.stringify(hung.json.findings));
    assert.match(n?.message ?? '', /hop 2 of 2.*Timeout/);

    stub.set(alice);
    const ok = await doctor(h, {}, dir);
    assert.deepEqual(errorsOf(ok.json), [], JSON.stringify(ok.json.findings));
    assert.equal(ok.json.providers[0]?.account, '222222222222');
    assert.deepEqual(ok.json.providers[0]?.assumeRole?.hops, [hub, deploy]);
    assert.match(ok.json.providers[0]?.assumeRole?.assumedArn ?? '', /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
  });

  test('references: tfvars resolve, unknown ones are reported and never guessed', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) + staticIni('prod', KEYS.b) });
    const dir = project(h, {
      'main.tf': `variable "profile" {}\nvariable "region" {\n  default = "us-east-1"\n}\nvariable "other" {}\nprovider "aws" {\n  profile = var.profile\n  region  = var.region\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\nprovider "aws" {\n  alias   = "x"\n  profile = var.other\n  region  = "us-east-1"\n}\n`,
      'terraform.tfvars': 'profile = "prod"\n',
    });
    const { json } = await doctor(h, {}, dir);
    const main = json.providers.find((p) => p.address === 'aws');
    assert.equal(main?.source, 'profile');
    assert.equal(json.checks.find((c) => c.target === 'aws' && c.id === 'identity')?.status, 'ok');
    const x = json.providers.find((p) => p.address === 'aws.x');
    assert.equal(x?.unknowns.length, 1);
    const w = json.findings.find((f) => f.target === 'aws.x');
    assert.match(w?.message ?? '', /var\.other cannot be known/);
    assert.match(w?.fix ?? '', /TF_VAR_other/);
    assert.match(w?.fix ?? '', /--var other=/);
    // the -var terraform would get: given to doctor, the alias is diagnosed too
    const withVar = await doctor(h, {}, dir, '--var', 'other=prod');
    const x2 = withVar.json.providers.find((p) => p.address === 'aws.x');
    assert.deepEqual(x2?.unknowns, []);
    assert.equal(withVar.json.findings.find((f) => f.target === 'aws.x' && /cannot be known/.test(f.message)), undefined);
    // and a -var-file, relative to --dir as terraform's are to -chdir
    writeFileSync(join(dir, 'other.tfvars'), 'other = "prod"\n');
    const withFile = await doctor(h, {}, h, '--dir', dir, '--var-file', 'other.tfvars');
    assert.deepEqual(withFile.json.providers.find((p) => p.address === 'aws.x')?.unknowns, []);
    assert.deepEqual(withFile.json.terraform?.varFiles.at(-1), join(dir, 'other.tfvars'));
  });

  test('provider aliases and the s3 backend are each diagnosed; a shared context costs one STS call', async () => {
    stub.set({ ok: { account: '123456789012' } });
    stub.resetCounts();
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) + staticIni('west', KEYS.b) });
    const block = (extra: string) => `  region = "us-east-1"\n${extra}  endpoints {\n    sts = "${stub.endpoint}"\n  }\n`;
    const dir = project(h, {
      'main.tf': `terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "k"\n    region = "us-east-1"\n    endpoints = {\n      sts = "${stub.endpoint}"\n    }\n  }\n}\nprovider "aws" {\n${block('')}}\nprovider "aws" {\n  alias = "west"\n${block('  profile = "west"\n')}}\n`,
    });
    const { r, json } = await doctor(h, {}, dir);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(json.providers.map((p) => p.address), ['aws', 'aws.west', 'backend "s3"']);
    assert.equal(json.checks.filter((c) => c.id === 'identity' && c.status === 'ok').length, 3);
    assert.equal(stub.count('GetCallerIdentity'), 2, 'aws and the backend share a context');
  });

  test('keys in the provider block: STS is called with exactly them, nothing else consulted', async () => {
    stub.set({ ok: { account: '123456789012' } });
    stub.resetCounts();
    const h = home({ '.aws/credentials': staticIni('default', KEYS.b) });
    const dir = project(h, { 'main.tf': `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${KEYS.a.id}"\n  secret_key = "${KEYS.a.secret}"\n  endpoints {\n    sts = "${stub.endpoint}"\n  }\n}\n` });
    const { json } = await doctor(h, { AWS_PROFILE: 'default' }, dir);
    assert.equal(json.providers[0]?.source, 'provider-static');
    assert.equal(json.identity?.status, 'ok');
    assert.deepEqual(stub.requests().filter((q) => q.action === 'GetCallerIdentity').map((q) => q.accessKeyId), [KEYS.a.id]);
    const c = await runCliAsync(['check', '-v'], { env: baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache') }), cwd: dir });
    outputs.push(c);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(!readdirSync(join(h, '.cache', 'identity')).some((f) => readFileSync(join(h, '.cache', 'identity', f), 'utf8').includes(KEYS.a.secret)));
  });

  test('--verbose prints the resolution steps; the text output has the checklist', async () => {
    stub.set({ ok: { account: '123456789012' } });
    const h = home({ '.aws/credentials': staticIni('default', KEYS.a) + staticIni('work', KEYS.b) });
    const r = await runCliAsync(['doctor', '--verbose', '--no-iam'], { env: baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache'), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: stub.endpoint, AWS_PROFILE: 'work' }), cwd: h });
    outputs.push(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ identity works/);
    assert.match(r.stdout, /↳ no environment keys; AWS_PROFILE=work selects the profile/);
    assert.match(r.stdout, /No problems found/);
  });

  test('usage errors exit 2', async () => {
    const h = home();
    const r = await runCliAsync(['doctor', '--dir', join(h, 'nope')], { env: baseEnv(h) });
    assert.equal(r.code, 2);
    const r2 = await runCliAsync(['doctor', '--bogus'], { env: baseEnv(h) });
    assert.equal(r2.code, 2);
  });
});

describe('doctor: IAM key status (moto records it, STS still accepts the key)', { skip: needs('moto') }, () => {
  let moto: Moto;
  let u: MotoUser;
  before(async () => {
    moto = await startMoto({ enforceAuth: true });
    u = await moto.createUser('iam-inactive');
  });
  after(async () => moto?.stop());

  test('Inactive key → inactive-key with update-access-key fix; --no-iam skips the check', async () => {
    const h = home({ '.aws/credentials': staticIni('default', { id: u.accessKeyId, secret: u.secretAccessKey }) });
    const env = baseEnv(h, { CREDGUARD_CACHE_DIR: join(h, '.cache'), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: moto.endpoint });
    const healthy = await runCliAsync(['doctor', '--json'], { env, cwd: h });
    assert.equal(healthy.code, 0, healthy.stdout);
    assert.match((JSON.parse(healthy.stdout) as DoctorJson).checks.find((c) => c.id === 'key')?.detail ?? '', /Active \(IAM\)/);
    await moto.setAccessKeyStatus(u.userName, u.accessKeyId, 'Inactive');
    const r = await runCliAsync(['doctor', '--json'], { env, cwd: h });
    assert.equal(r.code, 1, r.stdout);
    const json = JSON.parse(r.stdout) as DoctorJson;
    const f = errorsOf(json).find((x) => x.cause === 'inactive-key');
    assert.ok(f, JSON.stringify(json.findings));
    assert.equal(f.fix, `aws iam update-access-key --user-name iam-inactive --access-key-id "$(aws configure get aws_access_key_id --profile default)" --status Active  # or create a new key: aws iam create-access-key --user-name iam-inactive`);
    assert.ok(!r.stdout.includes(u.accessKeyId), 'the key id is masked');
    const skipped = await runCliAsync(['doctor', '--json', '--no-iam'], { env, cwd: h });
    assert.equal(skipped.code, 0);
    assert.equal((JSON.parse(skipped.stdout) as DoctorJson).checks.find((c) => c.id === 'key')?.status, 'skip');
  });
});

test('opt-in Region list and durations', () => {
  for (const r of ['af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1']) assert.ok(OPT_IN_REGIONS.includes(r), r);
  for (const r of ['us-east-1', 'eu-west-1', 'ap-northeast-3', 'eu-north-1', 'sa-east-1']) assert.ok(!isOptInRegion(r), r);
  assert.equal(durationSeconds('1h', undefined), 3600);
  assert.equal(durationSeconds('1h30m', undefined), 5400);
  assert.equal(durationSeconds(undefined, '900'), 900);
  assert.equal(durationSeconds('soon', undefined), undefined);
});
