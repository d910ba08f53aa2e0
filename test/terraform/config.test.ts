import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readTerraformConfig,
  findProvider,
  isKnown,
  revealSecret,
  displayValue,
  type Value,
  type TerraformConfig,
} from '../../src/terraform/index.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'terraform');
const read = (c: string, env: Record<string, string> = {}) => readTerraformConfig(join(FIX, c), { env });

function val<T>(v: Value<T> | undefined): T | undefined {
  assert.ok(v, 'value present');
  assert.ok(isKnown(v), `known, got ${JSON.stringify(v)}`);
  return v.value;
}
function provider(cfg: TerraformConfig, address = 'aws') {
  const p = findProvider(cfg, address);
  assert.ok(p, `provider ${address} in ${JSON.stringify(cfg.providers.map((x) => x.address))}`);
  return p;
}

test('basic: default provider and alias, literals with origins', async () => {
  const cfg = await read('basic');
  assert.deepEqual(cfg.errors, []);
  assert.deepEqual(cfg.providers.map((p) => p.address), ['aws', 'aws.west']);
  const d = provider(cfg);
  assert.equal(d.alias, undefined);
  assert.equal(val(d.profile), 'prod');
  assert.equal(val(d.region), 'eu-central-1');
  assert.deepEqual(val(d.allowedAccountIds), ['111111111111', '222222222222']);
  assert.equal(val(d.skipCredentialsValidation), false);
  assert.equal(val(d.skipRequestingAccountId), true, '"true" string coerced as Terraform does');
  assert.equal(val(d.endpointsSts), 'https://sts.eu-central-1.amazonaws.com');
  assert.deepEqual(d.profile?.origin, { file: 'main.tf', attribute: 'provider "aws".profile' });
  assert.equal((d.profile as { literal: boolean }).literal, true);
  const w = provider(cfg, 'aws.west');
  assert.equal(w.alias, 'west');
  assert.equal(val(w.stsRegion), 'us-east-1');
  assert.deepEqual(val(w.sharedConfigFiles), ['~/.aws/config-work']);
  assert.deepEqual(val(w.sharedCredentialsFiles), ['/tmp/creds-a', '/tmp/creds-b']);
  assert.deepEqual(val(w.forbiddenAccountIds), ['333333333333']);
  assert.equal(val(w.skipMetadataApiCheck), true);
  assert.equal(w.profile, undefined);
  assert.equal(w.stsRegion?.origin.attribute, 'provider "aws" (alias "west").sts_region');
  assert.equal(cfg.backend, undefined);
});

test('variables: Terraform precedence env < terraform.tfvars < .json < *.auto (lexical) over default', async () => {
  const cfg = await read('variables', { TF_VAR_from_env: 'env-value', TF_VAR_profile: 'from-env', TF_VAR_unused: 'x' });
  assert.deepEqual(cfg.varFiles, ['terraform.tfvars', 'terraform.tfvars.json', 'a.auto.tfvars', 'b.auto.tfvars.json']);
  const d = provider(cfg);
  assert.equal(val(d.profile), 'from-b-auto-json');
  assert.deepEqual(d.profile?.origin.via, [{ ref: 'var.profile', source: 'tfvars', file: 'b.auto.tfvars.json' }]);
  assert.equal(val(d.stsRegion), 'env-value');
  assert.deepEqual(d.stsRegion?.origin.via, [{ ref: 'var.from_env', source: 'env', file: 'TF_VAR_from_env' }]);
  assert.deepEqual(val(d.allowedAccountIds), ['444444444444']); // default (list)
  assert.equal(d.allowedAccountIds?.origin.via?.[0]?.source, 'default');
  // local.region -> var.region -> terraform.tfvars
  assert.equal(val(d.region), 'eu-west-2');
  assert.deepEqual(d.region?.origin.via?.map((v) => v.ref), ['local.region', 'var.region']);
  const ar = d.assumeRole[0];
  assert.ok(ar);
  assert.equal(val(ar.roleArn), 'arn:aws:iam::111111111111:role/tfvars-json-role');
  assert.equal(val(ar.sessionName), 'ci-staging', 'interpolation of a var inside a string');
  assert.deepEqual(ar.externalId, {
    unknown: 'var.no_default',
    origin: { file: 'main.tf', attribute: 'provider "aws".assume_role[0].external_id' },
    reason: 'variable "no_default" has no default and no value in tfvars or TF_VAR_no_default (it may come from -var)',
  });
  assert.ok(cfg.notes.some((n) => n.file === 'a.auto.tfvars' && n.message.includes('not_declared')));
});

test('variables: TF_VAR_ alone beats the default; without env the default is used', async () => {
  // drop the tfvars influence by looking at a variable only env/default set
  const withEnv = provider(await read('variables', { TF_VAR_from_env: 'env-value' }));
  assert.equal(val(withEnv.stsRegion), 'env-value');
  const noEnv = provider(await read('variables'));
  assert.equal(val(noEnv.stsRegion), 'default-value');
  assert.equal(noEnv.stsRegion?.origin.via?.[0]?.source, 'default');
});

test('unknowns are reported with the expression, never guessed', async () => {
  const cfg = await read('variables');
  const i = provider(cfg, 'aws.interp');
  assert.equal(val(i.profile), 'staging-admin');
  assert.ok(i.region && 'unknown' in i.region);
  assert.equal(i.region.unknown, 'data.aws_ssm_parameter.region.value');
  const f = provider(cfg, 'aws.fn');
  assert.ok(f.profile && 'unknown' in f.profile);
  assert.equal(f.profile.unknown, 'lower(var.profile)');
  assert.ok(f.region && 'unknown' in f.region);
  assert.equal(f.region.unknown, 'var.undeclared');
  assert.match(f.region.reason, /not declared/);
  assert.equal(displayValue(f.region), '<unknown: var.undeclared>');
});

test('static credentials: presence, literal-ness, masking; secrets never serialised', async () => {
  const cfg = await read('static-creds');
  const d = provider(cfg);
  assert.ok(d.accessKey && d.secretKey && d.token);
  assert.equal(d.accessKey.literal, true);
  assert.equal(d.accessKey.masked, 'AKIA…7QZD');
  assert.equal(d.secretKey.literal, false);
  assert.deepEqual(d.secretKey.origin.via, [{ ref: 'var.secret', source: 'default', file: 'main.tf' }]);
  assert.equal(d.secretKey.masked, '<40 chars hidden>');
  assert.equal(d.token.unknown, 'data.vault_generic_secret.aws.data["token"]');
  assert.equal(revealSecret(d.accessKey), 'AKIAQ2EXAMPLEKEY7QZD');
  assert.equal(revealSecret(d.secretKey)?.length, 40);
  assert.equal(revealSecret(d.token), undefined);
  for (const out of [JSON.stringify(cfg), inspect(cfg, { depth: 20 }), displayValue(d.secretKey), displayValue(d.accessKey)]) {
    assert.ok(!out.includes('AKIAQ2EXAMPLEKEY7QZD'), 'key id leaked');
    assert.ok(!out.includes('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') && !out.includes('bPxRfiCY'), 'secret leaked');
  }
});

test('assume_role chain and assume_role_with_web_identity', async () => {
  const cfg = await read('assume-role');
  const d = provider(cfg);
  assert.equal(d.assumeRole.length, 2);
  assert.equal(val(d.assumeRole[0]?.roleArn), 'arn:aws:iam::111111111111:role/hop-1');
  assert.equal(val(d.assumeRole[0]?.sessionName), 'first');
  assert.equal(val(d.assumeRole[0]?.duration), '1h');
  assert.equal(val(d.assumeRole[1]?.externalId), 'ext-123');
  assert.equal(d.assumeRole[1]?.roleArn?.origin.attribute, 'provider "aws".assume_role[1].role_arn');
  const o = provider(cfg, 'aws.oidc');
  const w = o.assumeRoleWithWebIdentity;
  assert.ok(w);
  assert.equal(val(w.roleArn), 'arn:aws:iam::111111111111:role/oidc');
  assert.equal(val(w.webIdentityTokenFile), '/var/run/secrets/token');
  assert.equal(val(w.duration), '15m');
  assert.equal(val(w.sessionName), 'gha');
});

test('.tf.json: provider list/object forms, variables, backend', async () => {
  const cfg = await read('json');
  assert.deepEqual(cfg.errors, []);
  assert.deepEqual(cfg.providers.map((p) => p.address).sort(), ['aws', 'aws.second', 'aws.syd']);
  const d = provider(cfg);
  assert.equal(val(d.region), 'ap-southeast-2');
  assert.equal(d.region?.origin.via?.[0]?.ref, 'var.region');
  assert.equal(val(d.profile), 'json-default');
  const s = provider(cfg, 'aws.syd');
  assert.equal(val(s.assumeRole[0]?.roleArn), 'arn:aws:iam::111111111111:role/json');
  assert.equal(val(s.endpointsSts), 'http://127.0.0.1:4566');
  assert.equal(provider(cfg, 'aws.second').file, 'extra.tf.json');
  assert.ok(cfg.backend?.kind === 's3');
  assert.equal(val(cfg.backend.profile), 'state-json');
  assert.equal(val(cfg.backend.region), 'ap-southeast-2');
});

test('backend "s3" (1.6+ form): assume_role / endpoints objects, files, keys', async () => {
  const cfg = await read('backend-s3');
  const b = cfg.backend;
  assert.ok(b?.kind === 's3');
  assert.equal(val(b.bucket), 'tf-state');
  assert.equal(val(b.profile), 'state');
  assert.equal(val(b.region), 'us-east-1');
  assert.deepEqual(val(b.sharedCredentialsFiles), ['~/.aws/credentials']);
  assert.deepEqual(val(b.allowedAccountIds), ['111111111111']);
  assert.equal(val(b.assumeRole[0]?.roleArn), 'arn:aws:iam::111111111111:role/state');
  assert.equal(val(b.assumeRole[0]?.duration), '30m');
  assert.equal(val(b.assumeRole[0]?.externalId), 'abc');
  assert.equal(b.assumeRole[0]?.roleArn?.origin.attribute, 'backend "s3".assume_role.role_arn');
  assert.equal(val(b.endpointsSts), 'https://sts.us-east-1.amazonaws.com');
  assert.equal(b.accessKey?.literal, true);
  assert.ok(!JSON.stringify(cfg).includes('AKIAQ2EXAMPLEKEY7QZD'));
  assert.deepEqual(cfg.providers, []);
});

test('backend "s3" (legacy form): role_arn, sts_endpoint, shared_credentials_file', async () => {
  const b = (await read('backend-legacy')).backend;
  assert.ok(b?.kind === 's3');
  assert.equal(val(b.assumeRole[0]?.roleArn), 'arn:aws:iam::111111111111:role/legacy');
  assert.equal(val(b.assumeRole[0]?.sessionName), 'legacy-session');
  assert.equal(val(b.assumeRole[0]?.externalId), 'xyz');
  assert.equal(val(b.endpointsSts), 'https://sts.legacy.example');
  assert.equal(b.endpointsSts?.origin.attribute, 'backend "s3".sts_endpoint');
  assert.deepEqual(val(b.sharedCredentialsFiles), ['~/.aws/legacy-creds']);
});

test('malformed files become errors naming the file; the rest is still read', async () => {
  const cfg = await read('malformed');
  assert.deepEqual(cfg.files, ['good.tf']);
  assert.deepEqual(cfg.errors.map((e) => e.file), ['bad.tf', 'bad.tf.json']);
  assert.match(cfg.errors[0]?.message ?? '', /^cannot parse bad\.tf: line 3, column \d+: Invalid expression/);
  assert.deepEqual(cfg.providers.map((p) => p.address), ['aws']);
});

test('unreadable files and missing dirs do not crash', async () => {
  const cfg = await readTerraformConfig('/nowhere', {
    listDir: () => ['main.tf'],
    readFile: () => ({ ok: false, missing: false, error: 'is not readable (permission denied)' }),
  });
  assert.deepEqual(cfg.errors, [{ file: 'main.tf', message: 'cannot read main.tf: is not readable (permission denied)' }]);
  const none = await read('does-not-exist');
  assert.deepEqual([none.files, none.providers, none.errors], [[], [], []]);
});

test('override files merge into the matching provider block', async () => {
  const cfg = await read('override');
  assert.equal(cfg.providers.length, 2);
  const d = provider(cfg);
  assert.equal(val(d.profile), 'overridden');
  assert.equal(d.profile?.origin.file, 'override.tf');
  assert.equal(val(d.region), 'us-east-1');
  assert.equal(val(provider(cfg, 'aws.b').profile), 'alias-base');
});

test('null variables read as unset; duplicates noted; child modules not read', async () => {
  const cfg = await read('nulls-and-modules');
  const d = provider(cfg);
  assert.equal(d.profile, undefined);
  assert.ok(cfg.notes.some((n) => /profile is null/.test(n.message)));
  assert.ok(cfg.notes.some((n) => /duplicate provider configuration aws\.dup/.test(n.message)));
  assert.ok(!cfg.providers.some((p) => p.address === 'aws.inner'));
});

test('a directory without Terraform files', async () => {
  const cfg = await read('empty');
  assert.deepEqual([cfg.files, cfg.providers, cfg.errors, cfg.backend], [[], [], [], undefined]);
});

test('variables: -var-file and -var come last, in command-line order; an undeclared -var is noted', async () => {
  const dir = join(FIX, 'variables');
  const cfg = await readTerraformConfig(dir, {
    env: {},
    cliVars: [
      { kind: 'var', name: 'profile', value: 'from-cli-var' },
      { kind: 'file', path: join(dir, 'terraform.tfvars') },
      { kind: 'var', name: 'from_env', value: 'from-cli' },
      { kind: 'var', name: 'not_declared_here', value: 'x' },
      { kind: 'var', name: 'accounts', value: '["555555555555"]' },
    ],
  });
  const d = provider(cfg);
  // the -var profile came before a -var-file that also sets it: the file wins (later wins)
  assert.equal(val(d.profile), 'from-tfvars');
  assert.deepEqual(d.profile?.origin.via, [{ ref: 'var.profile', source: 'tfvars', file: join(dir, 'terraform.tfvars') }]);
  assert.equal(val(d.stsRegion), 'from-cli');
  assert.deepEqual(d.stsRegion?.origin.via, [{ ref: 'var.from_env', source: 'cli', file: '-var from_env' }]);
  assert.deepEqual(val(d.allowedAccountIds), ['555555555555'], 'a complex -var value is parsed as HCL');
  assert.equal(cfg.varFiles.at(-1), join(dir, 'terraform.tfvars'));
  assert.ok(cfg.notes.some((n) => n.file === '-var not_declared_here' && /undeclared variable/.test(n.message)));
  // as in Terraform, a value for a variable with no type (or a primitive one) is a literal string
  const untyped = provider(await readTerraformConfig(dir, { env: { TF_VAR_from_env: '["a"]' }, cliVars: [{ kind: 'var', name: 'accounts', value: '["666666666666"]' }] }));
  assert.equal(val(untyped.stsRegion), '["a"]');
  assert.deepEqual(val(untyped.allowedAccountIds), ['666666666666']);
  const missing = await readTerraformConfig(dir, { env: {}, cliVars: [{ kind: 'file', path: join(dir, 'nope.tfvars') }] });
  assert.ok(missing.errors.some((e) => e.file === join(dir, 'nope.tfvars') && /cannot read/.test(e.message)));
});
