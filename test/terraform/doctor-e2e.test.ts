// doctor, proven on real Terraform: for every cause moto can reproduce, `terraform plan` fails,
// `credguard doctor --json` names the cause, the printed fix is applied, and `terraform plan`
// then succeeds — and doctor has no error left (no false alarm on a healthy setup).
//
// Fixes are applied as a shell would: `unset X …` and `export X=Y` edit the environment. Fixes
// that are commands a human runs (`aws configure --profile p`, `aws iam create-access-key`) are
// simulated by the case: it does what the command would do (writes the profile's keys, creates
// the key in moto) — said so at each case.
// Cost: two plans per case (~8 s each), run two cases at a time.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMoto, type Moto, type MotoUser } from '../helpers/moto.js';
import { needsTerraform, tfWorkspace, tfEnv, terraformPlan, awsProviderHcl, CALLER_IDENTITY_HCL, type TfWorkspace } from '../helpers/terraform.js';
import { runCliAsync, type RunResult } from '../helpers/cli.js';

const skip = needsTerraform('moto');

interface DoctorJson {
  exitCode: number;
  findings: Array<{ target: string; cause: string; severity: string; message: string; evidence: string | null; fix: string | null }>;
  identity: { status: string; account: string | null } | null;
}

let moto: Moto;
const workspaces: TfWorkspace[] = [];
const secrets: string[] = [];
const outputs: RunResult[] = [];

before(async () => {
  if (skip) return;
  moto = await startMoto({ enforceAuth: true });
});
after(async () => {
  for (const w of workspaces) w.cleanup();
  await moto?.stop();
});

function credentialsIni(profiles: Record<string, { id: string; secret: string }>): string {
  return Object.entries(profiles).map(([name, k]) => `[${name}]\naws_access_key_id = ${k.id}\naws_secret_access_key = ${k.secret}\n`).join('\n');
}

async function user(name: string): Promise<MotoUser> {
  const u = await moto.createUser(name);
  secrets.push(u.secretAccessKey);
  return u;
}

const key = (u: MotoUser): { id: string; secret: string } => ({ id: u.accessKeyId, secret: u.secretAccessKey });

interface World {
  ws: TfWorkspace;
  env: Record<string, string>;
}

async function world(providerExtra = '', aws: { credentials?: string; config?: string } = {}, env: Record<string, string> = {}): Promise<World> {
  const ws = await tfWorkspace({ 'main.tf': awsProviderHcl({ endpoint: moto.endpoint, extra: providerExtra }) + CALLER_IDENTITY_HCL });
  workspaces.push(ws);
  if (aws.credentials) writeFileSync(join(ws.home, '.aws', 'credentials'), aws.credentials);
  if (aws.config) writeFileSync(join(ws.home, '.aws', 'config'), aws.config);
  return { ws, env: tfEnv(ws.home, { CREDGUARD_CACHE_DIR: join(ws.home, '.cache', 'credguard'), ...env }) };
}

async function doctor(w: World): Promise<DoctorJson> {
  const r = await runCliAsync(['doctor', '--json'], { env: w.env, cwd: w.ws.dir });
  outputs.push(r);
  assert.ok(r.code === 0 || r.code === 1, `doctor exit ${r.code}: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as DoctorJson;
  assert.equal(json.exitCode, r.code);
  return json;
}

/**
 * Apply `unset …` / `export X=Y` parts of a fix (`;`-separated, `# comments` ignored) to the
 * environment. Returns false when the fix is not such a shell-only fix.
 */
function applyShellFix(fix: string, env: Record<string, string>): boolean {
  const code = fix.replace(/\s+#.*$/, '').trim();
  const parts = code.split(/\s*;\s*/).filter(Boolean);
  if (!parts.every((p) => /^(unset( [A-Z_][A-Z0-9_]*)+|export [A-Z_][A-Z0-9_]*=\S+)$/.test(p))) return false;
  for (const p of parts) {
    if (p.startsWith('unset ')) for (const n of p.slice(6).split(' ')) delete env[n];
    else {
      const [name, value] = p.slice(7).split(/=(.*)/s);
      env[name ?? ''] = value ?? '';
    }
  }
  return true;
}

/**
 * The whole loop: plan fails (with `tfError`), doctor names `cause` (severity error) with a fix,
 * the fix is applied (`simulate` for command fixes), plan succeeds, doctor has no error left.
 */
async function prove(t: { diagnostic(s: string): void }, w: World, cause: string, tfError: RegExp, simulate?: (fix: string) => Promise<void>): Promise<void> {
  const plan1 = await terraformPlan(w.ws.dir, w.env);
  assert.notEqual(plan1.code, 0, `plan should fail:\n${plan1.stdout}`);
  assert.match(plan1.stderr, tfError, plan1.stderr);
  const d = await doctor(w);
  assert.equal(d.exitCode, 1, JSON.stringify(d.findings, null, 1));
  const f = d.findings.find((x) => x.cause === cause && x.severity === 'error');
  assert.ok(f, `doctor should name ${cause}: ${JSON.stringify(d.findings, null, 1)}`);
  assert.ok(f.fix, 'the finding has a fix');
  t.diagnostic(`${cause}: fix = ${f.fix}`);
  if (!applyShellFix(f.fix, w.env)) {
    assert.ok(simulate, `fix "${f.fix}" is a command: the case must simulate it`);
    await simulate(f.fix);
  }
  const plan2 = await terraformPlan(w.ws.dir, w.env);
  t.diagnostic(`plans: ${plan1.ms} ms + ${plan2.ms} ms`);
  assert.equal(plan2.code, 0, `plan after the fix "${f.fix}" should succeed:\n${plan2.stderr}`);
  const after = await doctor(w);
  assert.deepEqual(after.findings.filter((x) => x.severity === 'error'), [], 'no error finding once Terraform works');
  assert.equal(after.identity?.status, 'ok');
}

describe('doctor against real terraform + moto (auth enforced)', { skip, concurrency: 2 }, () => {
  test('unknown access key id in the profile → wrong-credentials, aws configure fixes it', async (t) => {
    const u = await user('e2e-unknown');
    const w = await world('', { credentials: credentialsIni({ default: { id: 'AKIAZ4RT6WQ2MN3BX7LP', secret: u.secretAccessKey } }) });
    await prove(t, w, 'wrong-credentials', /InvalidClientTokenId/, async (fix) => {
      assert.match(fix, /^aws configure --profile default/);
      // what `aws configure --profile default` does when the user types the right pair:
      writeFileSync(join(w.ws.home, '.aws', 'credentials'), credentialsIni({ default: key(u) }));
    });
  });

  test('wrong secret in the profile → wrong-credentials (SignatureDoesNotMatch), aws configure fixes it', async (t) => {
    const u = await user('e2e-secret');
    const w = await world('', { credentials: credentialsIni({ default: { id: u.accessKeyId, secret: 'W'.repeat(40) } }) });
    await prove(t, w, 'wrong-credentials', /SignatureDoesNotMatch/, async (fix) => {
      assert.match(fix, /^aws configure --profile default/);
      // simulated `aws configure --profile default`: the correct secret is written
      writeFileSync(join(w.ws.home, '.aws', 'credentials'), credentialsIni({ default: key(u) }));
    });
  });

  test('AKIA key with a leftover AWS_SESSION_TOKEN → env-override, unset AWS_SESSION_TOKEN', async (t) => {
    const u = await user('e2e-token');
    const w = await world('', {}, { AWS_ACCESS_KEY_ID: u.accessKeyId, AWS_SECRET_ACCESS_KEY: u.secretAccessKey, AWS_SESSION_TOKEN: 'FwoGZXIvYXdzELeftoverSessionTokenForTests' });
    await prove(t, w, 'env-override', /InvalidClientTokenId/);
    assert.equal(w.env['AWS_SESSION_TOKEN'], undefined);
  });

  test('ASIA key without a session token (a good profile behind it) → env-override, unset the keys', async (t) => {
    const u = await user('e2e-asia');
    const w = await world('', { credentials: credentialsIni({ default: key(u) }) }, { AWS_ACCESS_KEY_ID: 'ASIAQ5WZ2HN7LRX3D4KM', AWS_SECRET_ACCESS_KEY: 'Zr7+Xk2/Lm9qW4eT6yU8iO0pA3sD5fG7hJ9kL1zx' });
    await prove(t, w, 'env-override', /InvalidClientTokenId/);
    assert.equal(w.env['AWS_ACCESS_KEY_ID'], undefined);
  });

  test('stale env keys shadowing a good AWS_PROFILE → env-override, unset the keys', async (t) => {
    const u = await user('e2e-stale');
    const w = await world('', { credentials: credentialsIni({ work: key(u) }) }, { AWS_PROFILE: 'work', AWS_ACCESS_KEY_ID: 'AKIAY7QZ3M4NB2XK5TRW', AWS_SECRET_ACCESS_KEY: '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' });
    await prove(t, w, 'env-override', /InvalidClientTokenId/);
    assert.equal(w.env['AWS_PROFILE'], 'work');
  });

  test('deleted key (it worked before) → inactive-key, a new key fixes it; healthy setup first: no false alarm', async (t) => {
    const u = await user('e2e-deleted');
    const w = await world('', { credentials: credentialsIni({ default: key(u) }) });
    const healthy = await doctor(w); // also records that this key worked (lastOkAt in the cache)
    assert.equal(healthy.exitCode, 0, JSON.stringify(healthy.findings, null, 1));
    assert.deepEqual(healthy.findings.filter((f) => f.severity === 'error'), []);
    await moto.deleteAccessKey(u.userName, u.accessKeyId);
    await prove(t, w, 'inactive-key', /InvalidClientTokenId/, async (fix) => {
      assert.match(fix, new RegExp(`^aws iam create-access-key --user-name ${u.userName}\\b.*aws configure --profile default`));
      // simulated: `aws iam create-access-key` (in moto), then `aws configure --profile default` with the new pair
      const fresh = await moto.createAccessKey(u.userName);
      secrets.push(fresh.secretAccessKey);
      writeFileSync(join(w.ws.home, '.aws', 'credentials'), credentialsIni({ default: key(fresh) }));
    });
  });

  test('account not in allowed_account_ids → wrong-profile, export AWS_PROFILE=<profile of the allowed account>', async (t) => {
    const u = await user('e2e-account');
    // profile prod assumes a role in account 111111111111 (moto issues credentials of that account)
    const w = await world(
      'allowed_account_ids = ["111111111111"]',
      { credentials: credentialsIni({ dev: key(u) }), config: '[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/deploy\nsource_profile = dev\n' },
      { AWS_PROFILE: 'dev', AWS_ENDPOINT_URL_STS: moto.endpoint },
    );
    await prove(t, w, 'wrong-profile', /not allowed/i);
    assert.equal(w.env['AWS_PROFILE'], 'prod');
  });

  test('AWS_PROFILE names a missing profile → missing-profile, export AWS_PROFILE=<existing>', async (t) => {
    const u = await user('e2e-missing');
    const w = await world('', { credentials: credentialsIni({ default: key(u) }) }, { AWS_PROFILE: 'prdo' });
    await prove(t, w, 'missing-profile', /prdo/);
    assert.equal(w.env['AWS_PROFILE'], 'default');
  });

  test('no secret reached any output', () => {
    for (const r of outputs) for (const s of secrets) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'a secret leaked into doctor output');
  });
});
