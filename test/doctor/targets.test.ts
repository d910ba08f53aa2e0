// Terraform configuration → doctor targets (offline, injected files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileRead } from '../../src/core/context.js';
import { readTerraformConfig } from '../../src/terraform/config.js';
import { targetsFromConfig } from '../../src/doctor/targets.js';
import { KEYS } from '../helpers/fakectx.js';

function io(files: Record<string, string>) {
  return {
    readFile: (p: string): FileRead => {
      const t = files[p.replace(/^\/m\//, '')];
      return t === undefined ? { ok: false, missing: true, error: 'does not exist' } : { ok: true, text: t, mtimeMs: 0 };
    },
    listDir: () => Object.keys(files),
    env: { TF_VAR_region: 'eu-west-1' },
  };
}

test('provider settings become resolve options; keys stay in memory; unknowns are listed, not guessed', async () => {
  const cfg = await readTerraformConfig('/m', io({
    'main.tf': `variable "region" {}
variable "role" {}
provider "aws" {
  region      = var.region
  profile     = "prod"
  sts_region  = "us-east-1"
  shared_config_files      = ["~/.aws/other-config"]
  shared_credentials_files = ["~/.aws/other-credentials"]
  allowed_account_ids      = ["111111111111"]
  skip_credentials_validation = true
  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/deploy"
    external_id  = "x"
    duration     = "30m"
  }
  endpoints {
    sts = "http://127.0.0.1:1"
    iam = "http://127.0.0.1:2"
  }
}
provider "aws" {
  alias      = "keys"
  region     = "us-east-1"
  access_key = "${KEYS.a.id}"
  secret_key = "${KEYS.a.secret}"
}
provider "aws" {
  alias  = "unknown"
  region = "us-east-1"
  assume_role {
    role_arn = var.role
  }
}
`,
  }));
  const [main, keys, unknown] = targetsFromConfig(cfg);
  assert.deepEqual(main?.resolve, { profile: 'prod', region: 'eu-west-1', sharedConfigFile: '~/.aws/other-config', sharedCredentialsFile: '~/.aws/other-credentials', stsEndpoint: 'http://127.0.0.1:1' });
  assert.equal(main?.stsRegion, 'us-east-1');
  assert.equal(main?.iamEndpoint, 'http://127.0.0.1:2');
  assert.deepEqual(main?.allowedAccountIds, ['111111111111']);
  assert.equal(main?.skipCredentialsValidation, true);
  assert.deepEqual(main?.assumeRole, { roleArn: 'arn:aws:iam::111111111111:role/deploy', externalId: 'x', durationSeconds: 1800 });
  assert.deepEqual(keys?.resolve.providerStatic, { accessKeyId: KEYS.a.id, hasSecret: true, hasSessionToken: false });
  assert.equal(keys?.staticCredentials?.secretAccessKey, KEYS.a.secret);
  assert.ok(!JSON.stringify(keys).includes(KEYS.a.secret), 'the secret is not serialized');
  assert.equal(unknown?.unknowns[0]?.expression, 'var.role');
  assert.equal(unknown?.assumeRole, undefined);
});

test('role chaining: every assume_role block in order; an unknown later hop ends the chain there; empty blocks are skipped', async () => {
  const cfg = await readTerraformConfig('/m', io({
    'main.tf': `variable "role" {}
provider "aws" {
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/hub"
  }
  assume_role {
    role_arn     = "arn:aws:iam::222222222222:role/deploy"
    external_id  = "x"
    session_name = "tf"
  }
}
provider "aws" {
  alias  = "half"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/hub"
  }
  assume_role {
    role_arn = var.role
  }
}
provider "aws" {
  alias  = "empty"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/hub"
  }
  assume_role {
    role_arn = ""
  }
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/deploy"
  }
}
provider "aws" {
  alias  = "first"
  region = "us-east-1"
  assume_role {
    role_arn = var.role
  }
}
`,
  }));
  const [chain, half, empty, unknownFirst] = targetsFromConfig(cfg);
  assert.deepEqual(chain?.assumeRole, { roleArn: 'arn:aws:iam::111111111111:role/hub' });
  assert.deepEqual(chain?.assumeRoleChain, [{ roleArn: 'arn:aws:iam::222222222222:role/deploy', externalId: 'x', sessionName: 'tf' }]);
  assert.deepEqual(chain?.notes, []);
  assert.equal(chain?.assumeRoleIncomplete, undefined);
  // a later unknown hop: the base credentials and the known hops are still checked
  assert.deepEqual(half?.assumeRole, { roleArn: 'arn:aws:iam::111111111111:role/hub' });
  assert.equal(half?.assumeRoleChain, undefined);
  assert.equal(half?.assumeRoleIncomplete, true);
  assert.deepEqual(half?.unknowns, []);
  assert.ok(half?.notes.some((n) => /var\.role is unknown .*up to hop 1/.test(n)), JSON.stringify(half?.notes));
  // an empty role_arn block is skipped, the rest of the chain stands
  assert.deepEqual(empty?.assumeRole, { roleArn: 'arn:aws:iam::111111111111:role/hub' });
  assert.deepEqual(empty?.assumeRoleChain, [{ roleArn: 'arn:aws:iam::222222222222:role/deploy' }]);
  assert.ok(empty?.notes.some((n) => /block 2 has an empty role_arn/.test(n)));
  // the first hop unknown: the provider is not checked at all
  assert.equal(unknownFirst?.assumeRole, undefined);
  assert.deepEqual(unknownFirst?.unknowns.map((u) => u.expression), ['var.role']);
});
