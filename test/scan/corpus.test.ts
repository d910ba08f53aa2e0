// The conformance corpus (copied from the shared corpus, expected.json included) and our own
// cases: the scanner must report exactly the expected (file, line, rule) set — nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, scanDir } from './helpers.js';

interface Expected {
  file: string;
  line: number;
  rule: string;
  suppressed?: string;
}

function expectedOf(dir: string): Expected[] {
  return (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { findings: Expected[] }).findings;
}

const key = (f: { file: string; line: number; rule: string }): string => `${f.file}:${f.line} ${f.rule}`;

test('conformance corpus: exact agreement with expected.json (no extras, none missing)', () => {
  const dir = join(FIXTURES, 'corpus');
  const report = scanDir(dir);
  const got = report.findings.filter((f) => !f.suppression).map(key).sort();
  const want = expectedOf(dir).map(key).sort();
  assert.deepEqual(got, want);
});

test('conformance corpus: p14 findings are reported as suppressed, with the reason', () => {
  const report = scanDir(join(FIXTURES, 'corpus'));
  const suppressed = report.findings.filter((f) => f.suppression);
  assert.deepEqual(suppressed.map(key), [
    'p14_suppressed/main.tf:4 aws-provider-static-credentials',
    'p14_suppressed/main.tf:6 aws-provider-static-credentials',
  ]);
  for (const f of suppressed) {
    assert.equal(f.suppression?.kind, 'inline');
    assert.equal(f.suppression?.reason, 'revoked key kept for a regression test');
  }
});

test('conformance corpus: broken and non-UTF-8 files are scanned with a warning, not skipped', () => {
  const report = scanDir(join(FIXTURES, 'corpus'));
  const syntax = report.warnings.find((w) => w.file === 'p22_syntax_error/main.tf');
  assert.ok(syntax, 'p22 has a warning');
  assert.match(syntax.message, /scanned anyway/);
  assert.ok(report.warnings.some((w) => w.file === 'p21_non_utf8/main.tf' && /latin1/.test(w.message)));
});

test('own cases: exact agreement, suppressed findings and their kind included', () => {
  const dir = join(FIXTURES, 'cases');
  const report = scanDir(dir);
  const got = report.findings.map((f) => `${key(f)}${f.suppression ? ` [${f.suppression.kind}]` : ''}`).sort();
  const want = expectedOf(dir)
    .map((f) => `${key(f)}${f.suppressed ? ` [${f.suppressed}]` : ''}`)
    .sort();
  assert.deepEqual(got, want);
});
