import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCredentials } from '../../src/core/resolve.js';
import { ssoCachePath } from '../../src/core/expiry.js';
import { fakeCtx, HOME, KEYS, NOW, DEFAULT_AND_PROD_CREDS } from '../helpers/fakectx.js';

const CREDS = DEFAULT_AND_PROD_CREDS;
const CONFIG = `[default]
region = us-east-1

[profile prod]
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = prod

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/B
source_profile = loop-a

[profile proc]
credential_process = /usr/local/bin/get-creds

[profile ec2]
role_arn = arn:aws:iam::123456789012:role/Ec2
credential_source = Ec2InstanceMetadata
`;
const FILES = { '~/.aws/credentials': CREDS, '~/.aws/config': CONFIG };
const ENV_KEYS = { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret };

const causes = (r: { findings: Array<{ cause: string; severity: string }> }, sev = 'error') => r.findings.filter((f) => f.severity === sev).map((f) => f.cause);

describe('Terraform precedence', () => {
  test('no env: the default profile', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES }));
    assert.equal(r.source, 'profile');
    assert.equal(r.profile, 'default');
    assert.equal(r.profileOrigin, 'default');
    assert.equal(r.accessKeyId, KEYS.a.id);
    assert.equal(r.region, 'us-east-1');
  });

  test('env keys beat AWS_PROFILE (unlike the JS SDK) and the shadowing is reported', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { ...ENV_KEYS, AWS_PROFILE: 'prod' } }));
    assert.equal(r.source, 'env');
    assert.equal(r.shadowedProfile, 'prod');
    assert.deepEqual(causes(r, 'warn'), ['env-override']);
    assert.match(r.trace.join('\n'), /environment keys beat AWS_PROFILE/);
    assert.equal(r.region, 'eu-west-1', 'region still comes from the AWS_PROFILE profile');
  });

  test('an AWS_PROFILE naming a missing profile is an error even with env keys', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { ...ENV_KEYS, AWS_PROFILE: 'nope' } }));
    assert.equal(r.source, 'env');
    assert.ok(r.failsOffline);
    assert.deepEqual(causes(r), ['missing-profile']);
  });

  test('a provider profile (or --profile) beats env keys', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: ENV_KEYS }), { profile: 'prod' });
    assert.equal(r.source, 'profile');
    assert.equal(r.profile, 'prod');
    assert.equal(r.accessKeyId, KEYS.b.id);
    assert.deepEqual(causes(r, 'info'), ['env-override']);
  });

  test('provider static keys win over everything', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { ...ENV_KEYS, AWS_PROFILE: 'prod' } }), { providerStatic: { accessKeyId: KEYS.b.id, hasSecret: true, hasSessionToken: false } });
    assert.equal(r.source, 'provider-static');
    assert.equal(r.accessKeyId, KEYS.b.id);
  });

  test('AWS_PROFILE beats AWS_DEFAULT_PROFILE; a disagreement is a warning', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'prod', AWS_DEFAULT_PROFILE: 'default' } }));
    assert.equal(r.profile, 'prod');
    assert.equal(r.profileOrigin, 'AWS_PROFILE');
    assert.deepEqual(causes(r, 'warn'), ['wrong-profile']);
  });

  test('AWS_DEFAULT_PROFILE is honoured (the Go SDK reads it; the JS SDK does not)', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_DEFAULT_PROFILE: 'prod' } }));
    assert.equal(r.profile, 'prod');
    assert.equal(r.profileOrigin, 'AWS_DEFAULT_PROFILE');
  });

  test('env keys count only as a pair: a lone AWS_ACCESS_KEY_ID is ignored and reported', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_PROFILE: 'prod' } }));
    assert.equal(r.source, 'profile');
    assert.equal(r.profile, 'prod');
    assert.ok(r.findings.some((f) => f.cause === 'env-override' && /without AWS_SECRET_ACCESS_KEY/.test(f.message)));
  });

  test('env key names as Terraform reads them: AWS_ACCESS_KEY/AWS_SECRET_KEY count, AWS_SECURITY_TOKEN does not', async () => {
    const alt = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY: KEYS.a.id, AWS_SECRET_KEY: KEYS.a.secret } }));
    assert.equal(alt.source, 'env');
    assert.equal(alt.accessKeyId, KEYS.a.id);
    const sec = await resolveCredentials(fakeCtx({ env: { ...ENV_KEYS, AWS_SECURITY_TOKEN: KEYS.session.token } }));
    assert.equal(sec.hasSessionToken, false, 'an AKIA key with AWS_SECURITY_TOKEN works in Terraform');
    assert.deepEqual(causes(sec), []);
    assert.ok(sec.findings.some((f) => f.fix === 'unset AWS_SECURITY_TOKEN'));
  });

  test('env web identity comes after env keys, before profiles', async () => {
    const ctx = fakeCtx({ files: { ...FILES, '/var/run/token': 'eyJ' }, env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/ci', AWS_PROFILE: 'prod' } });
    const r = await resolveCredentials(ctx);
    assert.equal(r.source, 'env-web-identity');
    assert.equal(r.failsOffline, false);
  });

  test('no default profile: container credentials, else IMDS', async () => {
    const none = await resolveCredentials(fakeCtx({}));
    assert.equal(none.source, 'imds');
    assert.deepEqual(causes(none, 'warn'), ['no-credentials']);
    const ecs = await resolveCredentials(fakeCtx({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' } }));
    assert.equal(ecs.source, 'container');
    const disabled = await resolveCredentials(fakeCtx({ env: { AWS_EC2_METADATA_DISABLED: 'true' } }));
    assert.equal(disabled.source, 'none');
    assert.ok(disabled.failsOffline);
  });

  test('region: AWS_REGION > AWS_DEFAULT_REGION > profile; a disagreement is noted', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'prod', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'us-east-2' } }));
    assert.equal(r.region, 'ap-south-1');
    assert.equal(r.regionSource, 'AWS_REGION');
    assert.deepEqual(causes(r, 'info'), ['sts-region']);
    const d = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'prod', AWS_DEFAULT_REGION: 'us-east-2' } }));
    assert.equal(d.region, 'us-east-2');
  });

  test('credentials-file and AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE locations', async () => {
    const r = await resolveCredentials(fakeCtx({ files: { '/etc/aws/creds': CREDS }, env: { AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds', AWS_PROFILE: 'prod' } }));
    assert.equal(r.accessKeyId, KEYS.b.id);
    assert.equal(r.files.credentialsPath, '/etc/aws/creds');
  });
});

describe('profile chains', () => {
  test('role_arn + source_profile chains down to static keys', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'admin' } }));
    assert.deepEqual(r.chain.map((l) => [l.name, l.kind]), [['admin', 'assume-role'], ['prod', 'static']]);
    assert.equal(r.accessKeyId, KEYS.b.id);
  });

  test('a source_profile loop is a finding, not a hang', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'loop-a' } }));
    assert.ok(r.failsOffline);
    assert.ok(r.findings.some((f) => /loops: loop-a → loop-b → loop-a/.test(f.message)));
  });

  test('credential_process and credential_source are recognised', async () => {
    const p = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'proc' } }));
    assert.equal(p.chain[0]?.kind, 'credential-process');
    const e = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'ec2' } }));
    assert.equal(e.chain[0]?.kind, 'credential-source');
  });

  test('a profile without credentials falls back to container credentials, then IMDS (as the Go SDK does)', async () => {
    const half = await resolveCredentials(fakeCtx({ files: { '~/.aws/credentials': `[half]\naws_access_key_id = ${KEYS.a.id}\n` }, env: { AWS_PROFILE: 'half' } }));
    assert.equal(half.source, 'imds');
    assert.ok(half.findings.some((f) => /only half of a key pair/.test(f.message)));
    const regionOnly = await resolveCredentials(fakeCtx({ files: { '~/.aws/config': '[default]\nregion = eu-west-2\n' }, env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' } }));
    assert.equal(regionOnly.source, 'container');
    assert.equal(regionOnly.region, 'eu-west-2');
    assert.equal(regionOnly.failsOffline, false);
  });
});

describe('expiry from local sources', () => {
  const inOneHour = new Date(NOW + 3600_000).toISOString();
  const anHourAgo = new Date(NOW - 3600_000).toISOString();

  test('AWS_CREDENTIAL_EXPIRATION (aws-vault, granted, export-credentials)', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_CREDENTIAL_EXPIRATION: inOneHour } }));
    assert.equal(r.expiry?.at, NOW + 3600_000);
    assert.equal(r.expiry?.source, 'AWS_CREDENTIAL_EXPIRATION');
    assert.equal(r.failsOffline, false);
  });

  test('an expired env session is expired-credentials', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_SESSION_EXPIRATION: anHourAgo } }));
    assert.ok(r.failsOffline);
    assert.deepEqual(causes(r), ['expired-credentials']);
  });

  test('AWSUME_EXPIRATION is local time without an offset', async () => {
    const local = new Date(NOW + 600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const text = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}`;
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWSUME_EXPIRATION: text } }));
    assert.equal(r.expiry?.at, Math.floor((NOW + 600_000) / 1000) * 1000);
  });

  test('a garbage expiry value is a finding naming the variable, not a crash', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_CREDENTIAL_EXPIRATION: 'soon\u0000' } }));
    assert.equal(r.expiry, undefined);
    assert.ok(r.findings.some((f) => f.message.startsWith('AWS_CREDENTIAL_EXPIRATION is not a timestamp')));
  });

  test('credentials-file x_security_token_expires', async () => {
    const creds = `[tmp]\naws_access_key_id = ${KEYS.session.id}\naws_secret_access_key = ${KEYS.session.secret}\naws_session_token = ${KEYS.session.token}\nx_security_token_expires = ${inOneHour}\n`;
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/credentials': creds }, env: { AWS_PROFILE: 'tmp' } }));
    assert.equal(r.expiry?.at, NOW + 3600_000);
  });

  test('SSO session: expiresAt from the token cache; refreshable with a refresh token', async () => {
    const token = JSON.stringify({ accessToken: 'secret-token', expiresAt: anHourAgo, refreshToken: 'refresh', registrationExpiresAt: new Date(NOW + 86400_000 * 30).toISOString() });
    const files = { ...FILES, [ssoCachePath(HOME, 'corp')]: token };
    const r = await resolveCredentials(fakeCtx({ files, env: { AWS_PROFILE: 'sso' } }));
    assert.equal(r.chain[0]?.kind, 'sso');
    assert.equal(r.expiry?.refreshable, true);
    assert.equal(r.failsOffline, false, 'a refreshable session is not a failure');
    assert.equal(r.region, 'us-west-2');
  });

  test('SSO session expired without refresh token: expired-credentials with aws sso login', async () => {
    const token = JSON.stringify({ accessToken: 'secret-token', expiresAt: anHourAgo });
    const r = await resolveCredentials(fakeCtx({ files: { ...FILES, [ssoCachePath(HOME, 'corp')]: token }, env: { AWS_PROFILE: 'sso' } }));
    assert.ok(r.failsOffline);
    const f = r.findings.find((x) => x.cause === 'expired-credentials');
    assert.equal(f?.fix, 'aws sso login --profile sso');
  });

  test('legacy SSO (sso_start_url) is keyed by the start URL and cannot refresh', async () => {
    const token = JSON.stringify({ accessToken: 't', expiresAt: anHourAgo, refreshToken: 'r' });
    const r = await resolveCredentials(fakeCtx({ files: { ...FILES, [ssoCachePath(HOME, 'https://legacy.awsapps.com/start')]: token }, env: { AWS_PROFILE: 'legacy' } }));
    assert.equal(r.chain[0]?.kind, 'sso-legacy');
    assert.equal(r.expiry?.refreshable, false);
    assert.deepEqual(causes(r), ['expired-credentials']);
  });

  test('never logged in to SSO', async () => {
    const r = await resolveCredentials(fakeCtx({ files: FILES, env: { AWS_PROFILE: 'sso' } }));
    assert.ok(r.findings.some((f) => f.cause === 'expired-credentials' && /not logged in/.test(f.message)));
  });

  test('invalid JSON in the SSO cache is a finding naming the file', async () => {
    const path = ssoCachePath(HOME, 'corp');
    const r = await resolveCredentials(fakeCtx({ files: { ...FILES, [path]: '{not json' }, env: { AWS_PROFILE: 'sso' } }));
    assert.ok(r.findings.some((f) => f.file === path && /not valid JSON/.test(f.message)));
  });

  test('AWS CLI cache expiry of an assumed role is reported (informational)', async () => {
    const cli = JSON.stringify({ Credentials: { AccessKeyId: KEYS.session.id, Expiration: inOneHour }, AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/Admin/botocore-session-1' } });
    const r = await resolveCredentials(fakeCtx({ files: { ...FILES, [`${HOME}/.aws/cli/cache/abc.json`]: cli }, env: { AWS_PROFILE: 'admin' } }));
    assert.ok(r.expiries.some((e) => e.at === NOW + 3600_000 && /AWS CLI cache/.test(e.source)));
  });
});

describe('key hygiene', () => {
  test('ASIA key without a session token', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret } }));
    assert.deepEqual(causes(r), ['env-override']);
  });

  test('AKIA key with a leftover session token', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { ...ENV_KEYS, AWS_SESSION_TOKEN: KEYS.session.token } }));
    const f = r.findings.find((x) => x.cause === 'env-override' && x.severity === 'error');
    assert.equal(f?.fix, 'unset AWS_SESSION_TOKEN');
  });

  test('stray CR, quotes and whitespace in env values', async () => {
    const r = await resolveCredentials(fakeCtx({ env: { AWS_ACCESS_KEY_ID: `${KEYS.a.id}\r`, AWS_SECRET_ACCESS_KEY: `"${KEYS.a.secret}" ` } }));
    const msgs = r.findings.filter((f) => f.cause === 'wrong-credentials').map((f) => f.message).join('\n');
    assert.match(msgs, /carriage return/);
    assert.match(msgs, /quote/);
    assert.match(msgs, /whitespace/);
    assert.ok(!msgs.includes(KEYS.a.secret), 'the secret never appears in a message');
  });

  test('quoted values and upper-case names in the credentials file work, as in Terraform', async () => {
    const creds = `[q]\nAWS_ACCESS_KEY_ID = "${KEYS.a.id}"\naws_secret_access_key = '${KEYS.a.secret}'\n`;
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/credentials': creds }, env: { AWS_PROFILE: 'q' } }));
    assert.equal(r.accessKeyId, KEYS.a.id);
    assert.deepEqual(causes(r), []);
  });

  test('an unbalanced quote or spaces inside quotes are kept by Terraform, and flagged', async () => {
    const creds = `[q]\naws_access_key_id = "${KEYS.a.id}\naws_secret_access_key = " ${KEYS.a.secret}"\n`;
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/credentials': creds }, env: { AWS_PROFILE: 'q' } }));
    const msgs = r.findings.filter((f) => f.cause === 'wrong-credentials').map((f) => f.message).join('\n');
    assert.match(msgs, /access key id in profile q contains a quote/);
    assert.match(msgs, /aws_secret_access_key of profile "q" contains a quote/);
  });
});

describe('hostile files', () => {
  test('malformed INI lines are findings naming file and line', async () => {
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/config': 'region = x\n[profile broken\n[default]\ngarbage line\n' } }));
    const msgs = r.findings.filter((f) => f.cause === 'config').map((f) => f.message);
    assert.ok(msgs.some((m) => m.startsWith(`${HOME}/.aws/config:1:`)));
    assert.ok(msgs.some((m) => m.startsWith(`${HOME}/.aws/config:2:`)));
    assert.ok(msgs.some((m) => m.startsWith(`${HOME}/.aws/config:4:`)));
  });

  test('an unreadable credentials file is a finding, not a crash', async () => {
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/credentials': CREDS }, unreadable: ['~/.aws/credentials'] }));
    assert.ok(r.findings.some((f) => f.file === `${HOME}/.aws/credentials` && /permission denied/.test(f.message)));
  });

  test('a binary config file is ignored with a finding', async () => {
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/config': '\u0000\u0001\u0002[default]' } }));
    assert.ok(r.findings.some((f) => /binary/.test(f.message)));
  });

  test('a __proto__ profile does not crash the loader', async () => {
    const r = await resolveCredentials(fakeCtx({ files: { '~/.aws/config': '[profile __proto__]\nregion = x\n' } }));
    assert.ok(r.findings.some((f) => f.cause === 'config'));
  });
});
