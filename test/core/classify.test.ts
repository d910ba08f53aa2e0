import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyProviderError, classifyStsError } from '../../src/core/classify.js';
import { keyFacts } from '../../src/core/keys.js';

const akia = { key: keyFacts('AKIAY7QZ3M4NB2XK5TRW'), hasSessionToken: false, source: 'env' as const };
const asia = { key: keyFacts('ASIAQ5WZ2HN7LRX3D4KM'), hasSessionToken: true, source: 'env' as const };

test('InvalidClientTokenId', () => {
  assert.equal(classifyStsError('InvalidClientTokenId', '', akia).cause, 'wrong-credentials');
  assert.equal(classifyStsError('InvalidClientTokenId', '', { ...akia, hasSessionToken: true }).cause, 'env-override');
  assert.equal(classifyStsError('InvalidClientTokenId', '', { ...asia, hasSessionToken: false }).cause, 'env-override');
  assert.equal(classifyStsError('InvalidClientTokenId', '', akia, true).cause, 'inactive-key');
});

test('SignatureDoesNotMatch: wrong secret vs clock skew', () => {
  assert.equal(classifyStsError('SignatureDoesNotMatch', 'The request signature we calculated does not match', akia).cause, 'wrong-credentials');
  assert.equal(classifyStsError('SignatureDoesNotMatch', 'Signature expired: 20261127T100000Z is now earlier than 20261127T110000Z', akia).cause, 'clock-skew');
});

test('expiry and time errors', () => {
  assert.deepEqual([classifyStsError('ExpiredToken', '', asia).status, classifyStsError('ExpiredToken', '', asia).cause], ['expired', 'expired-credentials']);
  assert.equal(classifyStsError('RequestExpired', '', akia).cause, 'clock-skew');
  assert.equal(classifyStsError('Throttling', 'slow down', akia).status, 'error');
});

test('credential provider errors', () => {
  assert.equal(classifyProviderError('The SSO session associated with this profile has expired or is otherwise invalid').cause, 'expired-credentials');
  assert.equal(classifyProviderError('Could not resolve credentials using profile: [x] in configuration/credentials file(s).').cause, 'no-credentials');
});
