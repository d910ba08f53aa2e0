// `--format json`: every finding, suppressed ones included, with masked values only.
import { RULES } from './rules.js';
import type { ScanReport } from './types.js';

export function formatJson(report: ScanReport): string {
  const active = report.findings.filter((f) => !f.suppression).length;
  return JSON.stringify(
    {
      tool: 'credguard',
      findings: report.findings.map((f) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        rule: f.rule,
        message: f.message,
        value: f.masked,
        fix: RULES[f.rule].fix,
        fingerprint: f.fingerprint,
        suppressed: Boolean(f.suppression),
        ...(f.suppression ? { suppression: f.suppression } : {}),
      })),
      warnings: report.warnings,
      summary: { filesScanned: report.filesScanned, findings: active, suppressed: report.findings.length - active },
    },
    null,
    2,
  );
}
