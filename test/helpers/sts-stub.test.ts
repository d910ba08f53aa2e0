import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStsStub, clockSkewMessage } from './sts-stub.js';
import { awsQuery, xmlValue } from './aws-query.js';

const creds = { accessKeyId: 'AKIAQ2STUBTESTKEY7QZ', secretAccessKey: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123' };
// The SDK's Node-version notice is not ours to print (the CLI suppresses it the same way).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const GCI = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

test('error bodies have the STS ErrorResponse shape and status codes', async () => {
  const stub = await startStsStub({ error: 'ExpiredToken' });
  try {
    const cases = [
      ['ExpiredToken', 403, 'The security token included in the request is expired'],
      ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
      ['SignatureDoesNotMatch', 403, 'The request signature we calculated does not match'],
      ['RequestExpired', 400, 'Request has expired.'],
      ['AccessDenied', 403, 'is not authorized to perform'],
    ] as const;
    for (const [code, status, msg] of cases) {
      stub.set({ error: code });
      const r = await awsQuery(stub.endpoint, { service: 'sts', params: GCI, credentials: creds });
      assert.equal(r.status, status, code);
      assert.match(r.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
      assert.equal(xmlValue(r.body, 'Type'), 'Sender');
      assert.equal(xmlValue(r.body, 'Code'), code);
      assert.ok(xmlValue(r.body, 'Message')?.includes(msg), r.body);
      assert.match(xmlValue(r.body, 'RequestId') ?? '', /^[0-9a-f-]{36}$/);
    }
    assert.equal(stub.count('GetCallerIdentity'), cases.length);
    assert.equal(stub.requests()[0]?.accessKeyId, creds.accessKeyId);
  } finally {
    await stub.stop();
  }
});

test('clock skew message in both directions, from the request X-Amz-Date', async () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const stub = await startStsStub({ error: 'ClockSkew' }, { now: () => now });
  try {
    const r = await awsQuery(stub.endpoint, { service: 'sts', params: GCI, credentials: creds, now: new Date('2024-05-01T11:00:00Z') });
    assert.equal(xmlValue(r.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(
      xmlValue(r.body, 'Message'),
      'Signature expired: 20240501T110000Z is now earlier than 20240501T114500Z (20240501T120000Z - 15 min.)',
    );
    const f = await awsQuery(stub.endpoint, { service: 'sts', params: GCI, credentials: creds, now: new Date('2024-05-01T13:00:00Z') });
    assert.equal(
      xmlValue(f.body, 'Message'),
      'Signature not yet current: 20240501T130000Z is still later than 20240501T121500Z (20240501T120000Z + 15 min.)',
    );
  } finally {
    await stub.stop();
  }
  assert.match(clockSkewMessage(new Date(0), new Date(3600_000)), /^Signature expired: 19700101T000000Z/);
});

test('success mode answers GetCallerIdentity and AssumeRole; the SDK parses it', async () => {
  const stub = await startStsStub({ ok: { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/bob' } });
  try {
    const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const c = new STSClient({ region: 'us-east-1', endpoint: stub.endpoint, credentials: creds });
    const id = await c.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '111122223333');
    assert.equal(id.Arn, 'arn:aws:iam::111122223333:user/bob');
    const ar = await c.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/deploy', RoleSessionName: 's1' }));
    assert.match(ar.Credentials?.AccessKeyId ?? '', /^ASIA/);
    assert.ok(ar.Credentials?.Expiration instanceof Date);
    stub.set({ error: 'ExpiredToken' });
    await assert.rejects(c.send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'ExpiredToken' && /is expired/.test(e.message));
  } finally {
    await stub.stop();
  }
});

test('hang mode: accepts, never answers; stop() still returns', async () => {
  const stub = await startStsStub({ hang: true });
  const t0 = Date.now();
  await assert.rejects(awsQuery(stub.endpoint, { service: 'sts', params: GCI, credentials: creds, timeoutMs: 300 }), /timeout|abort/i);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(stub.count(), 1);
  await stub.stop();
});
