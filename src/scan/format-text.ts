// Human output: `file:line:col  rule  message` and the fix, coloured with kleur, then a summary.
// Suppressed findings are only counted here (JSON and SARIF list them).
import { kleur } from '../core/ui.js';
import { RULES } from './rules.js';
import type { ScanReport, ScanWarning } from './types.js';

export function formatText(report: ScanReport): { out: string; err: string } {
  const active = report.findings.filter((f) => !f.suppression);
  const suppressed = report.findings.length - active.length;
  const lines: string[] = [];
  for (const f of active) {
    lines.push(`${kleur.bold(`${f.file}:${f.line}:${f.column}`)}  ${kleur.red(f.rule)}  ${f.message}`);
    lines.push(kleur.dim(`    fix: ${RULES[f.rule].fix}`));
  }
  const files = new Set(active.map((f) => f.file)).size;
  const quiet = suppressed ? ` (${suppressed} suppressed)` : '';
  if (active.length) {
    lines.push('');
    lines.push(
      kleur.red().bold(`✖ ${plural(active.length, 'hard-coded AWS credential')} in ${plural(files, 'file')}${quiet}.`),
    );
    lines.push(`hint: remove them, or mark a false positive with "# credguard:ignore <rule> -- <reason>" on the line or the line above.`);
  }
  const err = report.warnings.map(formatWarning);
  return { out: lines.join('\n'), err: err.join('\n') };
}

/** The one-line success summary (printed only to a terminal, hooks stay silent). */
export function formatClean(report: ScanReport): string {
  const suppressed = report.findings.length;
  return kleur.green(`✔ no hard-coded AWS credentials in ${plural(report.filesScanned, 'file')}${suppressed ? ` (${suppressed} suppressed)` : ''}.`);
}

function formatWarning(w: ScanWarning): string {
  const where = w.line ? `${w.file}:${w.line}` : w.file;
  return `credguard: ${w.level}: ${where} ${w.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
