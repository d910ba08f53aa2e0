// Rule behaviour on small in-memory files, beyond the fixture folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTexts } from './helpers.js';
import { scanSettings } from '../../src/scan/settings.js';
import { globToRegExp } from '../../src/scan/glob.js';
import { isKeyShaped, isSecretShaped } from '../../src/scan/rules.js';

const summary = (files: Record<string, string>, config: Record<string, unknown> = {}): string[] =>
  scanTexts(files, scanSettings({ raw: { scan: config }, filepath: '.credguardrc.json' })).findings.map(
    (f) => `${f.file}:${f.line}:${f.column} ${f.rule}${f.suppression ? ` (${f.suppression.kind})` : ''}`,
  );

const KEY = 'AKIAY7QZ3M4NB2XK5TRW';
const SECRET = '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';

test('one finding per location: the provider rule wins over the generic key rules', () => {
  assert.deepEqual(summary({ 'main.tf': `provider "aws" {\n  access_key = "${KEY}"\n  secret_key = "${SECRET}"\n}\n` }), [
    'main.tf:2:17 aws-provider-static-credentials',
    'main.tf:3:17 aws-provider-static-credentials',
  ]);
});

test('a key id and a secret on one line are two findings', () => {
  assert.deepEqual(summary({ 'x.tf': `# AWS_ACCESS_KEY_ID=${KEY} AWS_SECRET_ACCESS_KEY=${SECRET}\n` }), [
    'x.tf:1:21 aws-access-key-id',
    'x.tf:1:64 aws-secret-access-key',
  ]);
});

test('a heredoc credential is reported on its content line', () => {
  assert.deepEqual(summary({ 'p.tf': `provider "aws" {\n  secret_key = <<EOT\n${SECRET}\nEOT\n}\n` }), ['p.tf:3:1 aws-provider-static-credentials']);
});

test('variables flow within a module directory only', () => {
  const provider = 'provider "aws" {\n  secret_key = var.s\n}\n';
  const variable = 'variable "s" {\n  default = "literal"\n}\n';
  assert.deepEqual(summary({ 'a/main.tf': provider, 'a/vars.tf': variable }), ['a/vars.tf:2:14 aws-credentials-in-variable-default']);
  assert.deepEqual(summary({ 'a/main.tf': provider, 'b/vars.tf': variable }), []);
});

test('a variables file with no credential keyword is still checked when a sibling reads it', () => {
  const files = { 'm/main.tf': 'provider "aws" {\n  access_key = var.k\n}\n', 'm/variables.tf': 'variable "k" {\n  default = "plain"\n}\n' };
  assert.deepEqual(summary(files), ['m/variables.tf:2:14 aws-credentials-in-variable-default']);
});

test('the emulator exemption can be turned off', () => {
  const localstack = 'provider "aws" {\n  access_key = "test"\n  skip_credentials_validation = true\n}\n';
  assert.deepEqual(summary({ 'l.tf': localstack }), []);
  assert.deepEqual(summary({ 'l.tf': localstack }, { emulatorExemption: false }), ['l.tf:2:17 aws-provider-static-credentials']);
});

test('config: disabled rules, allowlisted values and paths', () => {
  const files = { 'main.tf': `provider "aws" {\n  access_key = "${KEY}"\n}\n`, 'legacy/x.tf': `locals {\n  k = "${KEY}"\n}\n` };
  assert.deepEqual(summary(files, { rules: ['aws-access-key-id'] }), ['legacy/x.tf:2:8 aws-access-key-id', 'main.tf:2:17 aws-access-key-id']);
  assert.deepEqual(summary(files, { allowlistValues: [KEY] }), ['legacy/x.tf:2:8 aws-access-key-id (allowlist)', 'main.tf:2:17 aws-provider-static-credentials (allowlist)']);
  assert.deepEqual(summary(files, { allowlistPaths: ['legacy/**'] }), ['legacy/x.tf:2:8 aws-access-key-id (allowlist)', 'main.tf:2:17 aws-provider-static-credentials']);
});

test('config errors are usage errors naming the key', () => {
  assert.throws(() => scanSettings({ raw: { scan: { rules: ['nope'] } }, filepath: 'c.json' }), /unknown rule "nope"/);
  assert.throws(() => scanSettings({ raw: { scan: { emulatorExemption: 'yes' } }, filepath: 'c.json' }), /must be a boolean/);
  assert.throws(() => scanSettings({ raw: { scan: { typo: 1 } }, filepath: 'c.json' }), /unknown key "scan.typo"/);
});

test('suppression: a marker for one rule leaves other rules reported; CRLF markers work', () => {
  assert.deepEqual(summary({ 's.tf': `locals {\r\n  k = "${KEY}" # credguard:ignore aws-secret-access-key\r\n  # credguard:ignore -- all rules\r\n  j = "${KEY}"\r\n}\r\n` }), [
    's.tf:2:8 aws-access-key-id',
    's.tf:4:8 aws-access-key-id (inline)',
  ]);
});

test('hostile input: huge lines, deep nesting and garbage do not throw', () => {
  const garbage = ['{'.repeat(5000), '"'.repeat(3001), '${'.repeat(2000), '<<EOT\n'.repeat(100), '\u0000\uFFFD\u202E', 'x = ' + 'a'.repeat(200000)];
  for (const text of garbage) assert.doesNotThrow(() => scanTexts({ 'g.tf': text, 'g.tf.json': text, 'g.tfvars': text }));
  assert.deepEqual(summary({ 'deep.tf': `${'a {\n'.repeat(300)}provider "aws" {\n  token = "t"\n}\n` }).length, 1);
  // deeper than the stack: a warning, and the key patterns still run
  const abyss = scanTexts({ 'abyss.tf': `${'a {'.repeat(200_000)}\nk = "AKIAY7QZ3M4NB2XK5TRW"\n`, 'abyss.tf.json': `${'['.repeat(200_000)}"AKIAY7QZ3M4NB2XK5TRW"` });
  assert.deepEqual(abyss.findings.map((f) => `${f.file} ${f.rule}`).sort(), ['abyss.tf aws-access-key-id', 'abyss.tf.json aws-access-key-id']);
  assert.ok(abyss.warnings.some((w) => /nested too deeply/.test(w.message)));
});

test('shapes: key ids, secrets, hex digests, principal ids', () => {
  assert.ok(isKeyShaped(KEY));
  assert.ok(isSecretShaped(SECRET));
  assert.ok(!isSecretShaped('da39a3ee5e6b4b0d3255bfef95601890afd80709'));
  assert.ok(!isSecretShaped('ThisIsAVeryLongIdentifierWithoutAnyDigit'));
  assert.ok(!isKeyShaped('AROAY7QZ3M4NB2XK5TRW'));
});

test('globs', () => {
  const cases: [string, string, boolean][] = [
    ['**/*.tf', 'main.tf', true],
    ['**/*.tf', 'a/b/main.tf', true],
    ['**/*.tf', 'main.tf.json', false],
    ['*.tfvars', 'env/prod.tfvars', true],
    ['**/.terraform/**', 'x/.terraform/modules/m.tf', true],
    ['**/.terraform/**', '.terraform/', true],
    ['legacy/**', 'legacy/a/b.tf', true],
    ['legacy/**', 'other/legacy/b.tf', false],
    ['env/{dev,prod}/*.tf', 'env/prod/a.tf', true],
    ['env/[dp]*/?.tf', 'env/dev/a.tf', true],
  ];
  for (const [glob, path, want] of cases) assert.equal(globToRegExp(glob).test(path), want, `${glob} vs ${path}`);
});
