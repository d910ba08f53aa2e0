// Proves the moto harness really enforces auth the way the integration suites rely on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from './integration.js';
import { startMoto, MOTO_ACCOUNT, type Moto, type MotoUser } from './moto.js';
import { awsQuery, xmlValue } from './aws-query.js';

const skip = needs('moto');
// The SDK's Node-version notice is not ours to print (the CLI suppresses it the same way).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const GCI = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

let moto: Moto;
let alice: MotoUser;

before(async () => {
  if (skip) return;
  moto = await startMoto({ enforceAuth: true });
  alice = await moto.createUser('alice');
});
after(async () => {
  await moto?.stop();
});

const gci = (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  awsQuery(moto.endpoint, { service: 'sts', params: GCI, credentials: creds });

test('created key → GetCallerIdentity 200 with the moto account', { skip }, async () => {
  assert.match(alice.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
  assert.equal(alice.secretAccessKey.length, 40);
  assert.equal(alice.account, MOTO_ACCOUNT);
  moto.resetCounts();
  const r = await gci(alice);
  assert.equal(r.status, 200, r.body);
  assert.equal(xmlValue(r.body, 'Account'), '123456789012');
  assert.equal(xmlValue(r.body, 'Arn'), 'arn:aws:iam::123456789012:user/alice');
  assert.equal(moto.count('GetCallerIdentity'), 1);
  assert.equal(moto.count('sts:GetCallerIdentity'), 1);
  assert.equal(moto.requests()[0]?.accessKeyId, alice.accessKeyId);
});

test('unknown key → InvalidClientTokenId', { skip }, async () => {
  const r = await gci({ accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: alice.secretAccessKey });
  assert.equal(r.status, 403);
  assert.equal(xmlValue(r.body, 'Code'), 'InvalidClientTokenId');
});

test('wrong secret → SignatureDoesNotMatch', { skip }, async () => {
  const r = await gci({ accessKeyId: alice.accessKeyId, secretAccessKey: 'Y'.repeat(40) });
  assert.equal(r.status, 403);
  assert.equal(xmlValue(r.body, 'Code'), 'SignatureDoesNotMatch');
});

test('AKIA key + leftover session token → InvalidClientTokenId', { skip }, async () => {
  const r = await gci({ ...alice, sessionToken: 'FwoGZXIvYXdzELeftoverTokenForTests' });
  assert.equal(r.status, 403);
  assert.equal(xmlValue(r.body, 'Code'), 'InvalidClientTokenId');
});

test('deleted key → InvalidClientTokenId; counts reset', { skip }, async () => {
  const k = await moto.createAccessKey('alice');
  assert.equal((await gci(k)).status, 200);
  await moto.deleteAccessKey('alice', k.accessKeyId);
  const r = await gci(k);
  assert.equal(xmlValue(r.body, 'Code'), 'InvalidClientTokenId');
  moto.resetCounts();
  assert.equal(moto.count('GetCallerIdentity'), 0);
});

test('Inactive key: status is recorded, but moto does not enforce it (use the STS stub)', { skip }, async () => {
  const k = await moto.createAccessKey('alice');
  await moto.setAccessKeyStatus('alice', k.accessKeyId, 'Inactive');
  const list = await awsQuery(moto.endpoint, {
    service: 'iam',
    params: { Action: 'ListAccessKeys', UserName: 'alice', Version: '2010-05-08' },
    credentials: alice,
  });
  assert.match(list.body, new RegExp(`<AccessKeyId>${k.accessKeyId}</AccessKeyId>\\s*<Status>Inactive</Status>`));
  assert.equal((await gci(k)).status, 200, 'if this fails, moto started enforcing key status: use it!');
});

test('the JS SDK works against the proxy endpoint', { skip }, async () => {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const c = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: alice });
  const id = await c.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, MOTO_ACCOUNT);
  const bad = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { ...alice, accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' } });
  await assert.rejects(bad.send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
});
