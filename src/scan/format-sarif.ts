// `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (rules with help and default
// level, relative URIs, partial fingerprints, suppressions for suppressed findings).
import { RULES, RULE_IDS } from './rules.js';
import type { Finding, ScanReport } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://www.npmjs.com/package/credguard';

export function formatSarif(report: ScanReport, version: string): string {
  const sarif = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'credguard',
            informationUri: INFORMATION_URI,
            semanticVersion: version,
            rules: RULE_IDS.map((id) => {
              const rule = RULES[id];
              return {
                id,
                name: camel(id),
                shortDescription: { text: rule.title },
                fullDescription: { text: rule.description },
                help: { text: `Fix: ${rule.fix}`, markdown: `**Fix:** ${rule.fix}` },
                defaultConfiguration: { level: 'error' },
                properties: { tags: ['security', 'secrets', 'terraform', 'aws'], precision: 'high', 'security-severity': '9.0' },
              };
            }),
          },
        },
        results: report.findings.map(result),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.warnings.map((w) => ({
              level: w.level === 'note' ? 'note' : 'warning',
              message: { text: `${w.file} ${w.message}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: uri(w.file) }, ...(w.line ? { region: { startLine: w.line } } : {}) } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

function result(f: Finding): Record<string, unknown> {
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: 'error',
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { 'credguard/v1': f.fingerprint },
    ...(f.suppression
      ? {
          suppressions: [
            {
              kind: f.suppression.kind === 'allowlist' ? 'external' : 'inSource',
              justification: f.suppression.reason ?? f.suppression.marker,
              properties: { marker: f.suppression.marker },
            },
          ],
        }
      : {}),
  };
}

/** Relative URI with forward slashes and percent-encoding (spaces, #, %). */
function uri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function camel(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
