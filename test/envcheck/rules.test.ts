// env-check rules against an in-memory world (fakectx): env, AWS files and clock injected.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { UNSET_ENV_KEYS } from '../../src/core/causes.js';
import { envCheck, type EnvCheckRun } from '../../src/envcheck/check.js';
import { envCheckRules, runEnvRules } from '../../src/envcheck/rules.js';
import { completeUnset, unsetFromFix, UNSET_ALLOWLIST } from '../../src/envcheck/fix.js';
import { offlineAccount } from '../../src/envcheck/account.js';
import { resolveCredentials } from '../../src/core/resolve.js';
import { ssoCachePath } from '../../src/core/expiry.js';
import { accountIdFromKeyId } from '../../src/core/keys.js';
import { fakeCtx, HOME, KEYS, NOW, DEFAULT_AND_PROD_CREDS } from '../helpers/fakectx.js';

const CREDS = DEFAULT_AND_PROD_CREDS;
const CONFIG = `[default]
region = us-east-1

[profile prod]
region = eu-west-1

[profile dev]
role_arn = arn:aws:iam::210987654321:role/Dev
source_profile = prod
region = eu-west-1

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile proc]
credential_process = /usr/local/bin/get-creds
region = eu-west-1
`;
const FILES = { '~/.aws/credentials': CREDS, '~/.aws/config': CONFIG };
const STALE = { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret };
const ACCOUNT_A = accountIdFromKeyId(KEYS.a.id) ?? '';
const ACCOUNT_B = accountIdFromKeyId(KEYS.b.id) ?? '';

function run(env: Record<string, string>, opts: Partial<EnvCheckRun> = {}, files: Record<string, string> = FILES, extra: { cached?: { account: string; checkedAt: number } } = {}) {
  return envCheck(fakeCtx({ env, files }), { fix: false, expiringMinutes: 15, ...opts }, extra.cached ? { cachedIdentity: () => extra.cached } : {});
}

const problems = <F extends { severity: string }>(r: { findings: F[] }): F[] => r.findings.filter((f) => f.severity !== 'info');
const causesOf = (r: { findings: Array<{ cause: string; severity: string }> }) => problems(r).map((f) => f.cause).sort();

function ssoToken(expiresAt: string): Record<string, string> {
  return { [ssoCachePath(HOME, 'corp')]: JSON.stringify({ accessToken: 'x', expiresAt, region: 'us-east-1', startUrl: 'https://corp.awsapps.com/start' }) };
}

describe('clean environments are silent', () => {
  test('AWS_PROFILE naming a working static profile', async () => {
    const r = await run({ AWS_PROFILE: 'prod' }, { profile: 'prod', account: ACCOUNT_B, region: 'eu-west-1' });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.unset, []);
    assert.equal(r.account?.account, ACCOUNT_B);
  });

  test('no wish, default profile', async () => {
    const r = await run({});
    assert.deepEqual(problems(r), []);
  });
});

describe('env-override: env keys while the directory wants a profile', () => {
  test('names the variables, masks the key, gives the exact unset fix', async () => {
    const r = await run({ ...STALE, AWS_SESSION_TOKEN: 'tok', AWS_PROFILE: 'prod' }, { profile: 'prod' });
    const f = r.findings.filter((x) => x.cause === 'env-override');
    // AKIA key with a token is its own error; the shadowing is one warning (not two).
    const shadow = f.filter((x) => x.rule === 'wanted-profile-env-keys');
    assert.equal(shadow.length, 1);
    assert.equal(f.filter((x) => x.severity === 'warn').length, 1, 'the model\'s own shadow warning is folded in');
    const s = shadow[0]!;
    assert.match(s.message, /AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are set/);
    assert.match(s.message, /profile "prod"/);
    assert.equal(s.fix, UNSET_ENV_KEYS);
    assert.equal(s.fix, 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
    assert.match(s.evidence ?? '', /AWS_ACCESS_KEY_ID=AKIA…5TRW/);
    assert.deepEqual(s.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
  });

  test('--fix unsets the keys and their session companions, then re-checks what is left', async () => {
    const r = await run({ ...STALE, AWS_CREDENTIAL_EXPIRATION: '2026-11-27T18:00:00Z', AWS_PROFILE: 'prod' }, { profile: 'prod', fix: true });
    assert.deepEqual(r.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_EXPIRATION']);
    assert.equal(r.fixed.length, 1);
    assert.equal(r.fixed[0]?.cause, 'env-override');
    assert.deepEqual(r.findings, [], 'nothing left once the keys are gone');
    assert.equal(r.resolution.source, 'profile');
    assert.equal(r.resolution.profile, 'prod');
  });

  test('--fix re-evaluates the account on the fixed environment', async () => {
    const before = await run({ ...STALE, AWS_PROFILE: 'prod' }, { profile: 'prod', account: ACCOUNT_B });
    assert.ok(before.findings.some((f) => f.rule === 'account' && f.severity === 'error'), 'the keys belong to another account');
    const after = await run({ ...STALE, AWS_PROFILE: 'prod' }, { profile: 'prod', account: ACCOUNT_B, fix: true });
    assert.deepEqual(after.findings, []);
  });

  test('without --profile, keys shadowing AWS_PROFILE are still reported (and fixable)', async () => {
    const r = await run({ ...STALE, AWS_PROFILE: 'prod' }, { fix: true });
    assert.deepEqual(r.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    assert.deepEqual(r.findings, []);
  });

  test('a lone leftover AWS_SESSION_TOKEN', async () => {
    const r = await run({ AWS_SESSION_TOKEN: 'tok', AWS_PROFILE: 'prod' });
    assert.deepEqual(causesOf(r), ['env-override']);
    assert.equal(problems(r)[0]?.fix, 'unset AWS_SESSION_TOKEN');
    const fixed = await run({ AWS_SESSION_TOKEN: 'tok', AWS_PROFILE: 'prod' }, { fix: true });
    assert.deepEqual(fixed.unset, ['AWS_SESSION_TOKEN']);
    assert.deepEqual(fixed.findings, []);
  });

  test('a lone AWS_ACCESS_KEY_ID', async () => {
    const r = await run({ AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_PROFILE: 'prod' }, { fix: true });
    assert.deepEqual(r.unset, ['AWS_ACCESS_KEY_ID']);
    assert.equal(r.fixed[0]?.cause, 'env-override');
  });

  test('ASIA key without a session token is an error; --fix drops the keys', async () => {
    const env = { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret };
    const r = await run(env);
    const f = problems(r).find((x) => x.cause === 'env-override');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /temporary \(ASIA…\) key but no session token/);
    const fixed = await run(env, { fix: true });
    assert.deepEqual(fixed.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  });

  test('AKIA key with a leftover session token: --fix drops only the token', async () => {
    const env = { ...STALE, AWS_SESSION_TOKEN: KEYS.session.token };
    const r = await run(env);
    const f = problems(r).find((x) => x.cause === 'env-override');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.fix, 'unset AWS_SESSION_TOKEN');
    const fixed = await run(env, { fix: true });
    assert.deepEqual(fixed.unset, ['AWS_SESSION_TOKEN']);
    assert.deepEqual(problems(fixed), []);
    assert.equal(fixed.resolution.source, 'env');
  });
});

describe('key hygiene and variable disagreements', () => {
  test('a quote or CR in the key id or secret is wrong-credentials, never auto-fixed', async () => {
    const r = await run({ AWS_ACCESS_KEY_ID: `"${KEYS.a.id}"`, AWS_SECRET_ACCESS_KEY: `${KEYS.a.secret}\r` }, { fix: true });
    const wrong = problems(r).filter((f) => f.cause === 'wrong-credentials');
    assert.ok(wrong.some((f) => /quote/.test(f.message)));
    assert.ok(wrong.some((f) => /carriage return/.test(f.message)));
    assert.deepEqual(r.unset, []);
  });

  test('whitespace around the key id', async () => {
    const r = await run({ AWS_ACCESS_KEY_ID: ` ${KEYS.a.id}`, AWS_SECRET_ACCESS_KEY: KEYS.a.secret });
    assert.ok(problems(r).some((f) => f.cause === 'wrong-credentials' && /whitespace/.test(f.message)));
  });

  test('AWS_PROFILE ≠ AWS_DEFAULT_PROFILE', async () => {
    const r = await run({ AWS_PROFILE: 'prod', AWS_DEFAULT_PROFILE: 'default' });
    assert.deepEqual(causesOf(r), ['wrong-profile']);
    const fixed = await run({ AWS_PROFILE: 'prod', AWS_DEFAULT_PROFILE: 'default' }, { fix: true });
    assert.deepEqual(fixed.unset, ['AWS_DEFAULT_PROFILE']);
  });

  test('AWS_REGION ≠ AWS_DEFAULT_REGION is a warning with a fix that makes them agree', async () => {
    const r = await run({ AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, { fix: true });
    const f = problems(r);
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, 'warn');
    assert.equal(f[0]?.fix, 'export AWS_DEFAULT_REGION=eu-west-1');
    assert.deepEqual(r.unset, [], 'regions are never unset');
  });
});

describe('expiry', () => {
  const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

  test('an expired env session is an error; --fix drops it', async () => {
    const env = { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token, AWS_CREDENTIAL_EXPIRATION: at(-5) };
    const r = await run(env);
    assert.deepEqual(causesOf(r), ['expired-credentials']);
    const fixed = await run(env, { fix: true });
    assert.deepEqual(fixed.unset, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION']);
  });

  test('expiring within the threshold is a warning; later is silent', async () => {
    const env = { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: KEYS.session.secret, AWS_SESSION_TOKEN: KEYS.session.token };
    const soon = await run({ ...env, AWS_SESSION_EXPIRATION: at(10) });
    assert.deepEqual(problems(soon).map((f) => [f.cause, f.severity]), [['expired-credentials', 'warn']]);
    assert.match(problems(soon)[0]?.message ?? '', /expire in 10m/);
    const later = await run({ ...env, AWS_SESSION_EXPIRATION: at(30) });
    assert.deepEqual(problems(later), []);
    const wider = await run({ ...env, AWS_SESSION_EXPIRATION: at(30) }, { expiringMinutes: 45 });
    assert.equal(problems(wider).length, 1);
  });

  test('expired SSO session: aws sso login --profile P', async () => {
    const r = await run({ AWS_PROFILE: 'sso' }, {}, { ...FILES, ...ssoToken(at(-60)) });
    const f = problems(r).find((x) => x.cause === 'expired-credentials');
    assert.equal(f?.fix, 'aws sso login --profile sso');
  });

  test('the wanted profile is checked even when another is in effect', async () => {
    const r = await run({}, { profile: 'sso' }, { ...FILES, ...ssoToken(at(-60)) });
    assert.deepEqual(causesOf(r), ['expired-credentials', 'wrong-profile']);
    assert.equal(problems(r).find((x) => x.cause === 'expired-credentials')?.fix, 'aws sso login --profile sso');
  });

  test('an SSO session about to expire', async () => {
    const r = await run({ AWS_PROFILE: 'sso' }, {}, { ...FILES, ...ssoToken(at(5)) });
    assert.deepEqual(problems(r).map((f) => [f.cause, f.severity, f.fix]), [['expired-credentials', 'warn', 'aws sso login --profile sso']]);
  });
});

describe('profile, account, region', () => {
  test('AWS_PROFILE selects another profile', async () => {
    const r = await run({ AWS_PROFILE: 'dev' }, { profile: 'prod' });
    const f = problems(r);
    assert.deepEqual(f.map((x) => x.cause), ['wrong-profile']);
    assert.match(f[0]?.message ?? '', /AWS_PROFILE=dev is in effect.*wants profile "prod"/);
    assert.match(f[0]?.fix ?? '', /^export AWS_PROFILE=prod/);
  });

  test('no AWS_PROFILE: default is in effect', async () => {
    const r = await run({}, { profile: 'prod' });
    assert.match(problems(r)[0]?.message ?? '', /AWS_PROFILE is not set, so Terraform uses profile "default"/);
  });

  test('the wanted profile does not exist', async () => {
    const r = await run({ AWS_PROFILE: 'prod' }, { profile: 'nope' });
    const missing = problems(r).find((f) => f.cause === 'missing-profile');
    assert.match(missing?.message ?? '', /Profile "nope", which this directory wants, does not exist/);
    assert.match(missing?.evidence ?? '', /known profiles: .*prod/);
  });

  test('AWS_PROFILE names a missing profile', async () => {
    const r = await run({ AWS_PROFILE: 'nope' });
    assert.deepEqual(causesOf(r), ['missing-profile']);
  });

  test('--account from the key id: mismatch is an error naming both accounts', async () => {
    const r = await run({ ...STALE }, { account: '123456789012' });
    const f = problems(r).find((x) => x.rule === 'account');
    assert.equal(f?.cause, 'wrong-profile');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', new RegExp(`account ${ACCOUNT_A}.*account 123456789012`));
    assert.match(f?.evidence ?? '', /from access key id AKIA…5TRW/);
    const ok = await run({ ...STALE }, { account: ACCOUNT_A });
    assert.deepEqual(problems(ok), []);
  });

  test('--account from role_arn and sso_account_id, before the source key', async () => {
    const role = await run({ AWS_PROFILE: 'dev' }, { account: '210987654321' });
    assert.deepEqual(problems(role), []);
    assert.equal(role.account?.from, 'role_arn of profile dev');
    const sso = await run({ AWS_PROFILE: 'sso' }, { account: '999999999999' }, { ...FILES, ...ssoToken(new Date(NOW + 3600_000).toISOString()) });
    assert.match(problems(sso)[0]?.evidence ?? '', /sso_account_id of profile sso/);
  });

  test('--account unknown offline: the cached identity decides, else an info', async () => {
    const unknown = await run({ AWS_PROFILE: 'proc' }, { account: '123456789012' });
    assert.deepEqual(problems(unknown), []);
    assert.match(unknown.findings[0]?.fix ?? '', /credguard whoami/);
    const cached = await run({ AWS_PROFILE: 'proc' }, { account: '123456789012' }, FILES, { cached: { account: '555555555555', checkedAt: NOW - 600_000 } });
    const f = problems(cached)[0];
    assert.equal(f?.cause, 'wrong-profile');
    assert.match(f?.evidence ?? '', /account 555555555555 \(from cached identity, checked 10m ago\)/);
  });

  test('--region mismatch', async () => {
    const r = await run({ AWS_PROFILE: 'prod' }, { region: 'us-east-1' });
    const f = problems(r)[0];
    assert.match(f?.message ?? '', /region eu-west-1 \(region of profile prod\).*wants us-east-1/);
    assert.equal(f?.fix, 'export AWS_REGION=us-east-1');
    assert.deepEqual(problems(await run({ AWS_PROFILE: 'prod', AWS_REGION: 'us-east-1' }, { region: 'us-east-1' })), []);
  });
});

describe('broken AWS files', () => {
  test('a garbage config gives one finding naming the file', async () => {
    const garbage = `${CONFIG}\n${Array.from({ length: 12 }, (_, i) => `garbage line ${i} ${'x'.repeat(i)}`).join('\n')}\n`;
    const r = await run({ AWS_PROFILE: 'prod' }, {}, { ...FILES, '~/.aws/config': garbage });
    const config = r.findings.filter((f) => f.cause === 'config');
    assert.equal(config.length, 1);
    assert.match(config[0]?.message ?? '', /\/home\/tester\/\.aws\/config has \d+ lines that are not valid settings/);
  });

  test('a binary credentials file is an error naming the file', async () => {
    const r = await run({ AWS_PROFILE: 'prod' }, {}, { '~/.aws/config': CONFIG, '~/.aws/credentials': '\u0000\u0001\u0002binary' });
    assert.ok(r.findings.some((f) => f.cause === 'config' && f.severity === 'error' && /credentials is binary/.test(f.message)));
  });

  test('an unreadable file is reported, not thrown', async () => {
    const ctx = fakeCtx({ env: { AWS_PROFILE: 'prod' }, files: FILES, unreadable: ['~/.aws/config'] });
    const r = await envCheck(ctx, { fix: false, expiringMinutes: 15 });
    assert.ok(r.findings.some((f) => f.cause === 'config' && /not readable/.test(f.message)));
  });
});

describe('secrets never reach a finding', () => {
  test('no secret, token or full key id in any output field', async () => {
    const envs = [
      { ...STALE, AWS_SESSION_TOKEN: KEYS.session.token, AWS_PROFILE: 'prod' },
      { AWS_ACCESS_KEY_ID: KEYS.session.id, AWS_SECRET_ACCESS_KEY: `'${KEYS.session.secret}'` },
    ];
    for (const env of envs) {
      const r = await run(env, { profile: 'prod', account: '123456789012', region: 'us-east-1', fix: true });
      const text = JSON.stringify(r.findings) + JSON.stringify(r.fixed);
      for (const secret of [KEYS.a.secret, KEYS.session.secret, KEYS.session.token, KEYS.a.id, KEYS.session.id]) {
        assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 4)}…`);
      }
    }
  });
});

describe('the rule list doctor reuses', () => {
  test('envCheckRules() is a list of named rules; runEnvRules works on any Resolution', async () => {
    const rules = envCheckRules();
    const ids = rules.map((r) => r.id);
    assert.ok(ids.includes('resolution') && ids.includes('wanted-profile-env-keys') && ids.includes('account'));
    assert.equal(new Set(ids).size, ids.length);
    for (const r of rules) assert.ok(r.summary.length > 10);
    const ctx = fakeCtx({ env: { ...STALE, AWS_PROFILE: 'prod' }, files: FILES });
    const actual = await resolveCredentials(ctx);
    const findings = runEnvRules({ env: ctx.env, now: NOW, actual, options: { profile: 'prod', expiringMinutes: 15 } });
    assert.ok(findings.some((f) => f.cause === 'env-override' && f.rule === 'wanted-profile-env-keys'));
    assert.deepEqual(offlineAccount(actual, ctx.env), { account: ACCOUNT_A, from: 'access key id AKIA…5TRW' });
  });
});

describe('--fix allowlist', () => {
  test('only plain `unset` fixes of allowlisted names are machine-applicable', () => {
    assert.deepEqual(unsetFromFix('unset AWS_SESSION_TOKEN'), ['AWS_SESSION_TOKEN']);
    assert.deepEqual(unsetFromFix('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY  # or export the token'), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    assert.equal(unsetFromFix('unset AWS_PROFILE'), undefined);
    assert.equal(unsetFromFix('unset PATH'), undefined);
    assert.equal(unsetFromFix('unset AWS_SESSION_TOKEN; rm -rf /'), undefined);
    assert.equal(unsetFromFix('export AWS_PROFILE=x'), undefined);
    assert.ok(!UNSET_ALLOWLIST.includes('AWS_PROFILE') && !UNSET_ALLOWLIST.includes('AWS_REGION'));
    assert.deepEqual(completeUnset({ AWS_ACCESS_KEY_ID: 'x', AWS_SECURITY_TOKEN: 'y', AWSUME_EXPIRATION: 'z' }, ['AWS_ACCESS_KEY_ID']), ['AWS_ACCESS_KEY_ID', 'AWS_SECURITY_TOKEN', 'AWSUME_EXPIRATION']);
  });
});
