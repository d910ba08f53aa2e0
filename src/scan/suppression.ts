// Inline suppression markers, read from the raw lines of a file that has findings:
//   # credguard:ignore[ rule[,rule]] [-- reason]   end of the line, or alone on the line above
//   checkov:skip=CKV_AWS_41[:reason]                anywhere in the provider block (checkov's scope)
//   gitleaks:allow                                  on the same line (gitleaks' scope)
// Suppressed findings are kept (JSON / SARIF show them) but do not fail the scan.
import { isRuleId, type RuleId } from './rule-ids.js';
import type { LineIndex } from './positions.js';
import type { RawFinding, Suppression } from './types.js';

interface Marker {
  line: number;
  offset: number;
  /** Lines the marker covers. */
  lines: number[];
  /** undefined: every rule. */
  rules?: RuleId[];
  /** checkov's block scope: the marker covers provider findings of the block containing it. */
  blockScoped?: boolean;
  suppression: Suppression;
}

const CREDGUARD = /(?:#|\/\/|\/\*)\s*credguard:ignore(?![\w-])([ \t]+(?!--)[A-Za-z0-9_, \t-]*?)?(?:[ \t]+--[ \t]*(.*?))?[ \t]*(?:\*\/[ \t]*)?$/;
const CHECKOV = /checkov:skip=(CKV_AWS_41|CKV_SECRET_2)(?::(.*))?/;
const GITLEAKS = /gitleaks:allow/;

const SECRET_RULES: RuleId[] = ['aws-access-key-id', 'aws-secret-access-key'];

export interface MarkerProblem {
  line: number;
  message: string;
}

/** Markers only exist in files that mention them; the cheap test avoids splitting lines. */
export function hasMarkers(text: string): boolean {
  return text.includes('credguard:ignore') || text.includes('checkov:skip') || text.includes('gitleaks:allow');
}

export function readMarkers(text: string, index: LineIndex): { markers: Marker[]; problems: MarkerProblem[] } {
  const markers: Marker[] = [];
  const problems: MarkerProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/\r$/, '');
    if (!hasMarkers(raw)) continue;
    const line = i + 1;
    const offset = index.offsetOf(line);
    const alone = /^\s*(?:#|\/\/|\/\*)/.test(raw);
    const covered = alone ? [line, line + 1] : [line];
    const own = CREDGUARD.exec(raw);
    if (own) {
      const names = (own[1] ?? '').split(/[\s,]+/).filter(Boolean);
      const unknown = names.filter((n) => !isRuleId(n));
      if (unknown.length) problems.push({ line, message: `unknown rule "${unknown.join('", "')}" in a credguard:ignore marker (it suppresses nothing)` });
      const rules = names.filter(isRuleId);
      const reason = own[2]?.trim();
      markers.push({
        line,
        offset,
        lines: covered,
        ...(names.length ? { rules } : {}),
        suppression: { kind: 'inline', marker: `credguard:ignore${names.length ? ` ${names.join(',')}` : ''}`, ...(reason ? { reason } : {}) },
      });
    }
    const checkov = CHECKOV.exec(raw);
    if (checkov) {
      const id = checkov[1] ?? '';
      const reason = checkov[2]?.trim();
      const forProvider = id === 'CKV_AWS_41';
      markers.push({
        line,
        offset,
        lines: [line, line + 1],
        rules: forProvider ? ['aws-provider-static-credentials'] : SECRET_RULES,
        blockScoped: forProvider,
        suppression: { kind: 'checkov', marker: `checkov:skip=${id}`, ...(reason ? { reason } : {}) },
      });
    }
    if (GITLEAKS.test(raw)) markers.push({ line, offset, lines: [line], suppression: { kind: 'gitleaks', marker: 'gitleaks:allow' } });
  }
  return { markers, problems };
}

/** The marker that suppresses this finding, if any. */
export function suppressionFor(finding: RawFinding, markers: Marker[], index: LineIndex): Suppression | undefined {
  const line = index.lineOf(finding.at);
  for (const marker of markers) {
    if (marker.rules && !marker.rules.includes(finding.rule)) continue;
    if (marker.lines.includes(line)) return marker.suppression;
    const block = finding.block;
    if (marker.blockScoped && block) {
      const inside = marker.offset >= block.start && marker.offset < block.end;
      const aboveHeader = index.lineOf(block.start) === marker.line + 1;
      if (inside || aboveHeader) return marker.suppression;
    }
  }
  return undefined;
}
