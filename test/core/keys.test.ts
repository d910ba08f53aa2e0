import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountIdFromKeyId, keyFacts, secretProblems } from '../../src/core/keys.js';
import { maskKeyId } from '../../src/core/mask.js';

test('the account id encoded in a modern key id (the published example)', () => {
  assert.equal(accountIdFromKeyId('ASIAY34FZKBOKMUTVV7A'), '609629065308');
});

test('legacy key ids (fifth character I or J) and non-keys do not decode', () => {
  assert.equal(accountIdFromKeyId('AKIAIOSFODNN7EXAMPLE'), undefined);
  assert.equal(accountIdFromKeyId('AROAY7QZ3M4NB2XK5TRWQ'), undefined);
  assert.equal(accountIdFromKeyId('not a key'), undefined);
});

test('key classes and hygiene', () => {
  assert.equal(keyFacts('AKIAY7QZ3M4NB2XK5TRW').klass, 'long-term');
  assert.equal(keyFacts('ASIAQ5WZ2HN7LRX3D4KM').klass, 'temporary');
  assert.deepEqual(keyFacts('AKIAY7QZ3M4NB2XK5TRW').problems, []);
  assert.match(keyFacts('AKIAY7QZ3M4NB2XK5TRW\r').problems.join(), /carriage return/);
  assert.match(keyFacts(' AKIAY7QZ3M4NB2XK5TRW').problems.join(), /whitespace/);
  assert.match(keyFacts('"AKIAY7QZ3M4NB2XK5TRW"').problems.join(), /quote/);
  assert.match(keyFacts('AKIAY7QZ3M4NB2XK5TR').problems.join(), /19 characters/);
  assert.match(keyFacts('AROAY7QZ3M4NB2XK5TRW').problems.join(), /IAM role id/);
  assert.match(keyFacts('XXXXY7QZ3M4NB2XK5TRW').problems.join(), /not an AWS access key prefix/);
});

test('secret hygiene never echoes the secret', () => {
  const secret = 'q8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kLm';
  assert.deepEqual(secretProblems(secret), []);
  const problems = secretProblems(`${secret}\r`).join(' ');
  assert.match(problems, /carriage return/);
  assert.ok(!problems.includes(secret));
});

test('masking', () => {
  assert.equal(maskKeyId('AKIAY7QZ3M4NB2XK5TRW'), 'AKIA…5TRW');
  assert.equal(maskKeyId('short'), '…');
});
