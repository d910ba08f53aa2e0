// `credguard scan` end to end through the compiled bin (run `npx tsc -p .` first):
// exit codes, output formats, masking, hostile files, config, and --staged reading the index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, runCli } from '../helpers/cli.js';
import { CLEAN_PROVIDER, FIXTURES, LEAKING_PROVIDER, RAW_SECRETS, git, gitEnv, initRepo, tempDir, testHome } from './helpers.js';

const CORPUS = join(FIXTURES, 'corpus');
const CASES = join(FIXTURES, 'cases');

// HOME is never the scanned directory: the CLI keeps its cache (the bundles' code cache too)
// under HOME, and the fixtures are part of the repository.
function scan(args: string[], cwd: string, env: Record<string, string> = baseEnv(testHome())) {
  return runCli(['scan', ...args], { env, cwd });
}

function assertNoSecrets(text: string): void {
  for (const secret of RAW_SECRETS) assert.ok(!text.includes(secret), `output leaks ${secret.slice(0, 4)}…`);
}

test('clean tree: exit 0 and silent (hook-friendly)', () => {
  const { dir, cleanup } = tempDir('clean');
  try {
    writeFileSync(join(dir, 'main.tf'), CLEAN_PROVIDER);
    const r = scan([], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  } finally {
    cleanup();
  }
});

test('findings: exit 1, file:line:col  rule  message, a fix, masked values', () => {
  const r = scan(['p01_provider_literal', 'p10_heredoc/instance.tf'], CORPUS);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^p01_provider_literal\/main\.tf:3:17 {2}aws-provider-static-credentials {2}provider "aws" access_key is a hard-coded credential \(AKIA…5TRW\)\./m);
  assert.match(r.stdout, /^p10_heredoc\/instance\.tf:7:\d+ {2}aws-secret-access-key {2}.*<40 chars hidden>/m);
  assert.match(r.stdout, /fix: /);
  assert.match(r.stdout, /4 hard-coded AWS credentials in 2 files/);
  assertNoSecrets(r.stdout + r.stderr);
});

test('no output format ever contains a secret: text, json, sarif over corpus and cases', () => {
  for (const cwd of [CORPUS, CASES]) {
    for (const format of ['text', 'json', 'sarif']) {
      const r = scan(['--format', format], cwd);
      assert.equal(r.code, 1, r.stderr);
      assertNoSecrets(r.stdout + r.stderr);
    }
  }
});

test('json: findings with positions, masked values, fixes, and suppressed ones marked', () => {
  const r = scan(['--format', 'json', 'p14_suppressed', 'p01_provider_literal'], CORPUS);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; summary: Record<string, number> };
  assert.deepEqual(doc.summary, { filesScanned: 2, findings: 2, suppressed: 2 });
  const first = doc.findings[0];
  assert.equal(first?.['file'], 'p01_provider_literal/main.tf');
  assert.equal(first?.['line'], 3);
  assert.equal(first?.['column'], 17);
  assert.equal(first?.['value'], 'AKIA…5TRW');
  const suppressed = doc.findings.filter((f) => f['suppressed']);
  assert.equal(suppressed.length, 2);
  assert.deepEqual(suppressed[0]?.['suppression'], {
    kind: 'inline',
    marker: 'credguard:ignore aws-provider-static-credentials',
    reason: 'revoked key kept for a regression test',
  });
});

test('suppressed-only findings exit 0', () => {
  const r = scan(['p14_suppressed'], CORPUS);
  assert.equal(r.code, 0, r.stdout);
});

test('sarif: 2.1.0 shape GitHub code scanning accepts', () => {
  const r = scan(['--format', 'sarif'], CORPUS);
  const sarif = JSON.parse(r.stdout) as any;
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  const run = sarif.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'credguard');
  assert.match(driver.informationUri, /^https:\/\//);
  assert.equal(driver.rules.length, 6);
  for (const rule of driver.rules) {
    assert.ok(rule.id && rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  const ids = driver.rules.map((rule: { id: string }) => rule.id);
  assert.equal(run.results.length, 33);
  for (const result of run.results) {
    assert.equal(ids[result.ruleIndex], result.ruleId);
    assert.ok(result.message.text);
    const loc = result.locations[0].physicalLocation;
    assert.ok(!loc.artifactLocation.uri.startsWith('/') && !loc.artifactLocation.uri.includes('\\'), loc.artifactLocation.uri);
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    assert.match(Object.values(result.partialFingerprints)[0] as string, /^[0-9a-f]{16}$/);
  }
  const suppressed = run.results.filter((res: { suppressions?: unknown[] }) => res.suppressions);
  assert.equal(suppressed.length, 2);
  assert.equal(suppressed[0].suppressions[0].kind, 'inSource');
  assert.equal(new Set(run.results.map((res: any) => JSON.stringify(res.partialFingerprints))).size, run.results.length, 'fingerprints are unique');
});

test('usage errors exit 2 with a hint, never a stack trace', () => {
  const { dir, cleanup } = tempDir('usage');
  try {
    for (const args of [['--format', 'xml'], ['--nope'], ['missing.tf'], ['--staged', 'main.tf'], ['--staged']]) {
      const r = scan(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /hint: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    writeFileSync(join(dir, '.credguardrc.json'), '{"scan": {"rules": ["aws-nope"]}}');
    const r = scan([], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown rule "aws-nope"/);
  } finally {
    cleanup();
  }
});

test('--help prints the options and exits 0', () => {
  const r = scan(['--help'], CORPUS);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--staged/);
  assert.match(r.stdout, /--format/);
});

test('hostile files: binary searched for keys only (fail closed), huge file skipped with a warning, garbage parsed', () => {
  const { dir, cleanup } = tempDir('hostile');
  try {
    writeFileSync(join(dir, 'blob.tf'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]), Buffer.from(' AKIAZ4RT6WQ2MN3BX7LP\0')]));
    writeFileSync(join(dir, 'huge.tf'), `# ${'x'.repeat(2048)}\n`);
    writeFileSync(join(dir, 'broken.tf.json'), '{"provider": {"aws": [{"access_key": "AKIAY7QZ3M4NB2XK5TRW", "region": ');
    writeFileSync(join(dir, '.credguardrc.json'), JSON.stringify({ scan: { maxFileBytes: 1024 } }));
    const r = scan([], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /note: blob\.tf is binary \(contains NUL bytes\); searched for key patterns only/);
    assert.match(r.stdout, /blob\.tf:1:\d+ {2}aws-access-key-id/);
    assert.match(r.stderr, /warning: huge\.tf skipped: larger than/);
    assert.match(r.stderr, /broken\.tf\.json:1 does not parse/);
    assert.match(r.stdout, /broken\.tf\.json:1:\d+ {2}aws-provider-static-credentials/);
  } finally {
    cleanup();
  }
});

test('config include/exclude and directory walking skip .terraform, .git and node_modules', () => {
  const { dir, cleanup } = tempDir('walk');
  try {
    for (const sub of ['.terraform/modules/x', 'node_modules/m', 'vendor', 'live']) mkdirSync(join(dir, sub), { recursive: true });
    for (const sub of ['.terraform/modules/x', 'node_modules/m', 'vendor', 'live']) writeFileSync(join(dir, sub, 'main.tf'), LEAKING_PROVIDER);
    writeFileSync(join(dir, 'live', 'notes.txt'), LEAKING_PROVIDER);
    writeFileSync(join(dir, '.credguardrc.json'), JSON.stringify({ scan: { exclude: ['vendor/**'] } }));
    const r = scan(['--format', 'json'], dir);
    const files = [...new Set((JSON.parse(r.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file))];
    assert.deepEqual(files, ['live/main.tf']);
    // a file named on the command line is scanned whatever its extension (pre-commit filtered it)
    const named = scan(['live/notes.txt'], dir);
    assert.equal(named.code, 1);
    assert.match(named.stdout, /live\/notes\.txt:3:\d+ {2}aws-access-key-id/);
  } finally {
    cleanup();
  }
});

test('--staged scans the index, not the working tree', () => {
  const { dir, cleanup } = tempDir('staged');
  const env = gitEnv();
  try {
    initRepo(dir);
    mkdirSync(join(dir, 'infra'));
    // staged leak, fixed on disk only: refused
    writeFileSync(join(dir, 'infra', 'main.tf'), LEAKING_PROVIDER);
    git(dir, 'add', 'infra/main.tf');
    writeFileSync(join(dir, 'infra', 'main.tf'), CLEAN_PROVIDER);
    let r = scan(['--staged'], join(dir, 'infra'), env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^infra\/main\.tf:3:17 {2}aws-provider-static-credentials/m);
    // staged clean, leaking on disk only: passes
    git(dir, 'add', 'infra/main.tf');
    writeFileSync(join(dir, 'infra', 'main.tf'), LEAKING_PROVIDER);
    writeFileSync(join(dir, 'untracked.tf'), LEAKING_PROVIDER);
    r = scan(['--staged'], dir, env);
    assert.equal(r.code, 0, r.stdout);
    // deleted files are not read; names with spaces work
    git(dir, 'commit', '-qm', 'clean');
    git(dir, 'rm', '-q', '--cached', 'infra/main.tf');
    writeFileSync(join(dir, 'my leak.tfvars'), 'aws_secret_key = "q8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kLm"\n');
    git(dir, 'add', 'my leak.tfvars');
    r = scan(['--staged', '--format', 'json'], dir, env);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file), ['my leak.tfvars']);
  } finally {
    cleanup();
  }
});

test('partial scans read the rest of the module: a staged default reaching an unstaged provider', () => {
  const { dir, cleanup } = tempDir('context');
  const env = gitEnv();
  try {
    initRepo(dir);
    mkdirSync(join(dir, 'stack'));
    writeFileSync(join(dir, 'stack', 'providers.tf'), 'provider "aws" {\n  region     = var.region\n  access_key = var.deploy_key\n}\n');
    writeFileSync(join(dir, 'stack', 'other.tf'), 'provider "aws" {\n  secret_key = var.unrelated\n}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'providers');
    writeFileSync(join(dir, 'stack', 'variables.tf'), 'variable "deploy_key" {\n  default = "not-key-shaped-but-literal"\n}\n\nvariable "region" {\n  default = "us-east-1"\n}\n');
    git(dir, 'add', 'stack/variables.tf');
    const staged = scan(['--staged', '--format', 'json'], dir, env);
    assert.equal(staged.code, 1, staged.stderr);
    const findings = (JSON.parse(staged.stdout) as { findings: { file: string; line: number; rule: string }[] }).findings;
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line} ${f.rule}`), ['stack/variables.tf:2 aws-credentials-in-variable-default']);
    // the same with the file named on the command line (what pre-commit passes)
    const named = scan(['stack/variables.tf'], dir, env);
    assert.equal(named.code, 1, named.stderr);
    assert.match(named.stdout, /^stack\/variables\.tf:2:\d+ {2}aws-credentials-in-variable-default/m);
    assert.doesNotMatch(named.stdout, /providers\.tf/);
  } finally {
    cleanup();
  }
});

test('a directory walk keeps no text it does not need, and reads a declaration again next to a provider that uses it', () => {
  const { dir, cleanup } = tempDir('walk-reread');
  try {
    for (const stack of ['stack', 'other']) mkdirSync(join(dir, stack));
    writeFileSync(join(dir, 'stack', 'providers.tf'), 'provider "aws" {\n  access_key = var.deploy_key\n}\n');
    const declaration = 'variable "deploy_key" {\n  default = "not-key-shaped-but-literal"\n}\n';
    writeFileSync(join(dir, 'stack', 'variables.tf'), declaration);
    // the same declaration where no provider reads it: nothing to report there
    writeFileSync(join(dir, 'other', 'variables.tf'), declaration);
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'other', `r${i}.tf`), `resource "aws_s3_bucket" "b${i}" {\n  bucket = "b-${i}"\n}\n`);
    // the provider's file is not UTF-8 (latin1 comment): it still counts as a candidate
    mkdirSync(join(dir, 'legacy'));
    writeFileSync(join(dir, 'legacy', 'providers.tf'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nprovider "aws" {\n  access_key = var.deploy_key\n}\n')]));
    writeFileSync(join(dir, 'legacy', 'variables.tf'), declaration);
    const r = scan(['--format', 'json'], dir, gitEnv());
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string; line: number; rule: string }[] };
    assert.deepEqual(report.findings.map((f) => `${f.file}:${f.line} ${f.rule}`), ['legacy/variables.tf:2 aws-credentials-in-variable-default', 'stack/variables.tf:2 aws-credentials-in-variable-default']);
  } finally {
    cleanup();
  }
});
