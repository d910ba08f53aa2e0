// The end-to-end harness itself, proven: real `terraform plan` (AWS provider from the local
// mirror) against a real moto server with auth enforced. Also settles, against the real Go
// SDK inside the provider, how credentials-file values are cleaned — the JS loader differs,
// and credguard must mirror Terraform (DESIGN.md, "the one hard rule").
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMoto, MOTO_ACCOUNT, type Moto, type MotoUser } from '../helpers/moto.js';
import {
  needsTerraform,
  tfWorkspace,
  tfEnv,
  terraformPlan,
  awsProviderHcl,
  CALLER_IDENTITY_HCL,
  providerErrors,
  apiErrorCode,
  type TfWorkspace,
} from '../helpers/terraform.js';

const skip = needsTerraform('moto');

let moto: Moto;
let good: MotoUser;
let ini: MotoUser;
let other: MotoUser;
const workspaces: TfWorkspace[] = [];

before(async () => {
  if (skip) return;
  moto = await startMoto({ enforceAuth: true });
  [good, ini, other] = await Promise.all([moto.createUser('tf-good'), moto.createUser('tf-ini'), moto.createUser('tf-other')]);
});
after(async () => {
  for (const w of workspaces) w.cleanup();
  await moto?.stop();
});

async function planWith(env: Record<string, string | undefined>, providerExtra = '', withEndpoint = true) {
  const ws = await tfWorkspace({
    'main.tf': awsProviderHcl({ endpoint: withEndpoint ? moto.endpoint : undefined, extra: providerExtra }) + CALLER_IDENTITY_HCL,
  });
  workspaces.push(ws);
  return terraformPlan(ws.dir, tfEnv(ws.home, env));
}

describe('terraform plan against moto (auth enforced)', { skip, concurrency: 2 }, () => {
  test('good key → exit 0, account from moto, GetCallerIdentity reached moto with that key', async (t) => {
    const r = await planWith({ AWS_ACCESS_KEY_ID: good.accessKeyId, AWS_SECRET_ACCESS_KEY: good.secretAccessKey });
    t.diagnostic(`plan (good key): ${r.ms} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`account_id\\s*=\\s*"${MOTO_ACCOUNT}"`));
    const calls = moto.requests().filter((q) => q.accessKeyId === good.accessKeyId && q.action === 'GetCallerIdentity');
    assert.ok(calls.length >= 1 && calls.every((q) => q.status === 200), JSON.stringify(calls));
  });

  test('unknown key → non-zero, InvalidClientTokenId', async (t) => {
    const r = await planWith({ AWS_ACCESS_KEY_ID: 'AKIAZZZZZZZZZZZZZZZZ', AWS_SECRET_ACCESS_KEY: good.secretAccessKey });
    t.diagnostic(`plan (unknown key): ${r.ms} ms`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /api error InvalidClientTokenId: The security token included in the request is invalid/);
  });

  test('wrong secret → non-zero, SignatureDoesNotMatch', async () => {
    const r = await planWith({ AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: 'W'.repeat(40) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /api error SignatureDoesNotMatch/);
  });

  // Which env variable names does Terraform read? The JS SDK and boto differ; these settle it
  // for credguard's model (src/core/resolve.ts readEnvKeys).
  test('AWS_SECURITY_TOKEN is ignored by Terraform: an AKIA key with it still works', async () => {
    const r = await planWith({ AWS_ACCESS_KEY_ID: good.accessKeyId, AWS_SECRET_ACCESS_KEY: good.secretAccessKey, AWS_SECURITY_TOKEN: 'FwoGZXIvYXdzELeftoverSessionTokenForTests' });
    assert.equal(r.code, 0, r.stderr);
  });

  test('AWS_ACCESS_KEY / AWS_SECRET_KEY (alternate names) are read by Terraform', async () => {
    const r = await planWith({ AWS_ACCESS_KEY: good.accessKeyId, AWS_SECRET_KEY: good.secretAccessKey });
    assert.equal(r.code, 0, r.stderr);
  });

  test('AKIA key + leftover AWS_SESSION_TOKEN → non-zero, InvalidClientTokenId', async () => {
    const r = await planWith({
      AWS_ACCESS_KEY_ID: other.accessKeyId,
      AWS_SECRET_ACCESS_KEY: other.secretAccessKey,
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzELeftoverSessionTokenForTests',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /api error InvalidClientTokenId/);
  });

  test('AWS_ENDPOINT_URL_STS (no endpoints block) is honoured by the provider', async () => {
    const r = await planWith(
      { AWS_ACCESS_KEY_ID: good.accessKeyId, AWS_SECRET_ACCESS_KEY: good.secretAccessKey, AWS_ENDPOINT_URL_STS: moto.endpoint },
      '',
      false,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /account_id\s*=\s*"123456789012"/);
  });

  // ---- How the Go SDK (Terraform) cleans credentials-file values ------------------------------
  // One plan, one aliased provider per profile; each alias either configures (ok) or fails with
  // its own diagnostic. `expect` is what real Terraform did; `js` what @smithy/shared-ini-file-loader
  // returns for aws_access_key_id (see the JS test below): where they differ, mirror Terraform.
  // Observed on Terraform 1.11.4 + hashicorp/aws 5.100.0 (aws-sdk-go-v2 ini parser).
  // Each aliased provider costs ~5 s CPU (terraform runs one plugin process per alias for
  // validate and again for plan), so the default matrix is the set credguard's verdicts depend
  // on; CREDGUARD_TF_EXTENDED=1 runs the rest (results recorded in `expect` all the same).
  type IniCase = { name: string; key: (k: string) => string; secret?: (s: string) => string; eol?: string; expect: 'ok' | 'fail' };
  const CORE_CASES: IniCase[] = [
    { name: 'double-quoted', key: (k) => `aws_access_key_id = "${k}"`, expect: 'ok' }, // quotes stripped
    { name: 'single-quoted', key: (k) => `aws_access_key_id = '${k}'`, expect: 'ok' }, // quotes stripped
    { name: 'trailing-space', key: (k) => `aws_access_key_id = ${k}   `, secret: (s) => `aws_secret_access_key = ${s} \t`, expect: 'ok' },
    { name: 'crlf', key: (k) => `aws_access_key_id = ${k}`, eol: '\r\n', expect: 'ok' }, // CR stripped
    { name: 'hash-comment', key: (k) => `aws_access_key_id = ${k} # my laptop key`, expect: 'ok' }, // " # …" is a comment
    { name: 'hash-no-space', key: (k) => `aws_access_key_id = ${k}#x`, expect: 'fail' }, // "#" glued on: part of the value
    { name: 'uppercase-keys', key: (k) => `AWS_ACCESS_KEY_ID = ${k}`, secret: (s) => `AWS_SECRET_ACCESS_KEY = ${s}`, expect: 'ok' }, // key names case-insensitive
  ];
  const EXTENDED_CASES: IniCase[] = [
    { name: 'semicolon-comment', key: (k) => `aws_access_key_id = ${k} ; my laptop key`, expect: 'ok' },
    { name: 'quoted-secret', key: (k) => `aws_access_key_id = ${k}`, secret: (s) => `aws_secret_access_key = "${s}"`, expect: 'ok' },
    { name: 'secret-hash-comment', key: (k) => `aws_access_key_id = ${k}`, secret: (s) => `aws_secret_access_key = ${s} # c`, expect: 'ok' },
    { name: 'unbalanced-quote', key: (k) => `aws_access_key_id = "${k}`, expect: 'fail' }, // lone quote kept → InvalidClientTokenId
    { name: 'spaces-inside-quotes', key: (k) => `aws_access_key_id = " ${k} "`, expect: 'fail' }, // inner blanks kept
    { name: 'indented-no-spaces', key: (k) => `   aws_access_key_id=${k}`, expect: 'ok' },
    { name: 'crlf-double-quoted', key: (k) => `aws_access_key_id = "${k}"`, eol: '\r\n', expect: 'ok' },
  ];
  const extended = process.env['CREDGUARD_TF_EXTENDED'] === '1';

  async function settle(cases: IniCase[], t: { diagnostic(s: string): void }) {
    const credentials = cases
      .map((c) => {
        const eol = c.eol ?? '\n';
        return [`[${c.name}]`, c.key(ini.accessKeyId), (c.secret ?? ((s) => `aws_secret_access_key = ${s}`))(ini.secretAccessKey)].join(eol) + eol;
      })
      .join('');
    const hcl = cases
      .map(
        (c) =>
          awsProviderHcl({ endpoint: moto.endpoint, alias: c.name, extra: `profile = "${c.name}"` }) +
          `data "aws_caller_identity" "${c.name}" {\n  provider = aws.${c.name}\n}\n`,
      )
      .join('\n');
    const ws = await tfWorkspace({ 'main.tf': hcl });
    workspaces.push(ws);
    writeFileSync(join(ws.home, '.aws', 'credentials'), credentials);
    const r = await terraformPlan(ws.dir, tfEnv(ws.home));
    t.diagnostic(`plan (${cases.length} aliased providers): ${r.ms} ms`);
    const errors = providerErrors(r.stderr);
    const got = Object.fromEntries(cases.map((c) => [c.name, errors.has(c.name) ? `fail:${apiErrorCode(errors.get(c.name) ?? '') ?? '?'}` : 'ok']));
    t.diagnostic(`terraform verdicts: ${JSON.stringify(got)}`);
    const want = Object.fromEntries(cases.map((c) => [c.name, c.expect]));
    const gotShort = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.startsWith('fail') ? 'fail' : 'ok']));
    assert.deepEqual(gotShort, want, r.stderr);
    if (cases.every((c) => c.expect === 'ok')) assert.equal(r.code, 0, r.stderr);
    else assert.notEqual(r.code, 0);
    return got;
  }

  test('credentials file values as the Go SDK reads them: quotes, trailing blanks, CRLF, inline comments, key case', async (t) => {
    const got = await settle(CORE_CASES, t);
    assert.equal(got['hash-no-space'], 'fail:InvalidClientTokenId');
  });

  test('credentials file values, extended matrix', { skip: extended ? false : 'set CREDGUARD_TF_EXTENDED=1 (7 more provider configurations, ~35 s CPU)' }, async (t) => {
    const got = await settle(EXTENDED_CASES, t);
    assert.equal(got['unbalanced-quote'], 'fail:InvalidClientTokenId');
  });
});

// What the JS loader makes of the same lines — no terraform needed. Documents the divergence
// the credential model must correct for (values marked ≠ differ from Terraform's reading).
test('JS @smithy/shared-ini-file-loader reading of the same lines (divergence record)', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const K = 'AKIAQ2EXAMPLEKEY7QZD';
  const dir = mkdtempSync(join(tmpdir(), 'credguard-ini-'));
  try {
    const lines: Record<string, string> = {
      plain: `aws_access_key_id = ${K}`,
      'double-quoted': `aws_access_key_id = "${K}"`, // Terraform: K          JS: "K" ≠
      'single-quoted': `aws_access_key_id = '${K}'`, // Terraform: K          JS: 'K' ≠
      'trailing-space': `aws_access_key_id = ${K}   `, // both: K
      'hash-comment': `aws_access_key_id = ${K} # c`, // both: K
      'semicolon-comment': `aws_access_key_id = ${K} ; c`, // both: K
      'hash-no-space': `aws_access_key_id = ${K}#x`, // both: K#x (Terraform fails)
      'uppercase-keys': `AWS_ACCESS_KEY_ID = ${K}`, // Terraform: key found  JS: no aws_access_key_id ≠
    };
    const text = Object.entries(lines).map(([n, l]) => `[${n}]\n${l}\n`).join('') + `[crlf]\r\naws_access_key_id = ${K}\r\n`;
    const file = join(dir, 'credentials');
    writeFileSync(file, text);
    const parsed = (await loadSharedConfigFiles({ filepath: file, configFilepath: join(dir, 'none') })).credentialsFile;
    const v = (p: string) => parsed[p]?.['aws_access_key_id'];
    assert.equal(v('plain'), K);
    assert.equal(v('double-quoted'), `"${K}"`);
    assert.equal(v('single-quoted'), `'${K}'`);
    assert.equal(v('trailing-space'), K);
    assert.equal(v('hash-comment'), K);
    assert.equal(v('semicolon-comment'), K);
    assert.equal(v('hash-no-space'), `${K}#x`);
    assert.equal(v('uppercase-keys'), undefined);
    assert.equal(parsed['uppercase-keys']?.['AWS_ACCESS_KEY_ID'], K);
    assert.equal(v('crlf'), K);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
