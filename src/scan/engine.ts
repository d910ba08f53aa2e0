// The scan itself, over files already read: a cheap candidate test per file, the structural
// rules (HCL / JSON), the generic key patterns, the cross-file variable-default rule, then one
// finding per location, suppressions and masked, positioned findings. No I/O of its own: the
// files come read, and a partial scan gets its module context through an injected loader.
import { analyzeHcl } from './analyze-hcl.js';
import { analyzeJson } from './analyze-json.js';
import { findGenericSecrets } from './generic.js';
import { declaredVariables, dirOf, fileKind, mayDeclareVariables, mayHoldFindings } from './prefilter.js';
import { LineIndex } from './positions.js';
import { isKeyShaped, maskValue } from './rules.js';
import type { ScanSettings } from './settings.js';
import { newSink, type RuleSink } from './structure-rules.js';
import { hasMarkers, readMarkers, suppressionFor } from './suppression.js';
import type { FileKind, Finding, RawFinding, ScanReport, ScanWarning, SourceFile, Suppression } from './types.js';

interface Analyzed {
  file: SourceFile & { text: string };
  kind: FileKind;
  dir: string;
  sink: RuleSink;
  generic: RawFinding[];
}

/**
 * Loads the other Terraform files of some module directories when the scan covers only part
 * of them (staged files, files named by pre-commit): read for variable references only.
 */
export type ContextLoader = (dirs: string[], variableNames: string[]) => SourceFile[];

export function scanSources(files: SourceFile[], settings: ScanSettings, context?: ContextLoader): ScanReport {
  const warnings: ScanWarning[] = [];
  const analyzed: Analyzed[] = [];
  // .tf files that cannot hold a finding themselves but may declare a variable that reaches a
  // credential attribute in a sibling file: analysed only if such a reference turns up.
  const deferred: Analyzed[] = [];
  let filesScanned = 0;

  for (const file of files) {
    if (file.text === undefined) {
      warnings.push({ file: file.path, level: file.skipWarns ? 'warning' : 'note', message: `skipped: ${file.skipped ?? 'not readable'}.` });
      continue;
    }
    filesScanned++;
    if (file.binary) warnings.push({ file: file.path, level: 'note', message: 'is binary (contains NUL bytes); searched for key patterns only.' });
    else if (file.latin1) warnings.push({ file: file.path, level: 'note', message: 'is not valid UTF-8; scanned as latin1.' });
    const item: Analyzed = { file: file as Analyzed['file'], kind: file.binary ? 'text' : fileKind(file.path), dir: dirOf(file.path), sink: newSink(settings.emulatorExemption), generic: [] };
    if (!(file.candidate ??= mayHoldFindings(file.path, file.text))) {
      if (mayDeclareVariables(file)) deferred.push(item);
      continue;
    }
    runStructural(item, warnings);
    item.generic = findGenericSecrets(file.text, settings.rules.has('aws-access-key-id'), settings.rules.has('aws-secret-access-key'));
    analyzed.push(item);
  }

  if (context) addContextRefs(analyzed, deferred, files, settings, context, warnings);
  resolveVariableFlows(analyzed, deferred, warnings);

  const findings: Finding[] = [];
  for (const item of analyzed) findings.push(...finalize(item, settings, warnings));
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { findings, warnings, filesScanned };
}

function runStructural(item: Analyzed, warnings: ScanWarning[]): void {
  try {
    analyzeStructure(item, warnings);
  } catch (err) {
    // pathological input (nesting deeper than the stack): keep the key patterns, say so
    const why = err instanceof RangeError ? 'it is nested too deeply' : `of an internal error (${(err as Error).message})`;
    warnings.push({ file: item.file.path, level: 'warning', message: `could not be parsed because ${why}; scanned for key patterns only.` });
  }
}

function analyzeStructure(item: Analyzed, warnings: ScanWarning[]): void {
  const { file, kind, sink } = item;
  if (kind === 'tf' || kind === 'tfvars') {
    const problems = analyzeHcl(file.text, kind === 'tfvars', sink);
    const first = problems[0];
    if (first) warnings.push(syntaxWarning(file.path, first.line, first.message, problems.length));
  } else if (kind === 'tf-json' || kind === 'tfvars-json') {
    const [problem] = analyzeJson(file.text, kind === 'tfvars-json', sink);
    if (problem) warnings.push(syntaxWarning(file.path, new LineIndex(file.text).lineOf(problem.at), problem.message, 1));
  }
}

function syntaxWarning(file: string, line: number, message: string, count: number): ScanWarning {
  const more = count > 1 ? ` (and ${count - 1} more problem${count > 2 ? 's' : ''})` : '';
  return { file, line, level: 'warning', message: `does not parse: ${message}${more}; scanned anyway.` };
}

/**
 * A partial scan: a scanned variable default may reach a credential attribute in a file that
 * is not scanned (a staged variables.tf, an unchanged providers.tf). Read the other files of
 * those directories for references only; their own findings are not this scan's business.
 */
function addContextRefs(analyzed: Analyzed[], deferred: Analyzed[], files: SourceFile[], settings: ScanSettings, context: ContextLoader, warnings: ScanWarning[]): void {
  const dirs = new Set<string>();
  const names = new Set<string>();
  for (const item of analyzed) {
    for (const candidate of item.sink.defaultCandidates) {
      dirs.add(item.dir);
      names.add(candidate.name);
    }
  }
  for (const item of deferred) {
    for (const name of declaredVariables(item.file.text)) {
      dirs.add(item.dir);
      names.add(name);
    }
  }
  if (names.size === 0) return;
  const scanned = new Set(files.map((f) => f.path));
  const others = context([...dirs], [...names]).filter((f) => f.text !== undefined && !scanned.has(f.path));
  if (others.length === 0) return; // the usual case: nothing outside the scan reads these variables
  for (const item of deferred.splice(0)) {
    runStructural(item, warnings);
    analyzed.push(item);
  }
  for (const file of others) {
    const item: Analyzed = { file: file as Analyzed['file'], kind: fileKind(file.path), dir: dirOf(file.path), sink: newSink(settings.emulatorExemption), generic: [] };
    runStructural(item, []);
    // only its references count: carried by an analysed entry that reports nothing
    analyzed.push({ ...item, sink: { ...newSink(settings.emulatorExemption), credentialVarRefs: item.sink.credentialVarRefs } });
  }
}

/**
 * `access_key = var.k` in one file, `variable "k" { default = "…" }` in another of the same
 * module (directory): the default is a hard-coded credential.
 */
function resolveVariableFlows(analyzed: Analyzed[], deferred: Analyzed[], warnings: ScanWarning[]): void {
  const refsByDir = new Map<string, Map<string, boolean>>();
  for (const item of analyzed) {
    if (item.sink.credentialVarRefs.size === 0) continue;
    const refs = refsByDir.get(item.dir) ?? new Map<string, boolean>();
    for (const [name, emulatorOnly] of item.sink.credentialVarRefs) refs.set(name, (refs.get(name) ?? true) && emulatorOnly);
    refsByDir.set(item.dir, refs);
  }
  if (refsByDir.size === 0) return;
  for (const item of deferred) {
    if (!refsByDir.has(item.dir)) continue;
    runStructural(item, warnings);
    analyzed.push(item);
  }
  for (const item of analyzed) {
    const refs = refsByDir.get(item.dir);
    if (!refs) continue;
    for (const candidate of item.sink.defaultCandidates) {
      const emulatorOnly = refs.get(candidate.name);
      if (emulatorOnly === undefined || (emulatorOnly && !isKeyShaped(candidate.literal.text))) continue;
      item.sink.findings.push({
        rule: 'aws-credentials-in-variable-default',
        at: candidate.literal.at,
        start: candidate.start,
        end: candidate.end,
        value: candidate.literal.text,
        where: `variable "${candidate.name}" default`,
        flows: true,
      });
    }
  }
}

/** One finding per location under the most specific rule, then suppressions and positions. */
function finalize(item: Analyzed, settings: ScanSettings, warnings: ScanWarning[]): Finding[] {
  const structural = dedupe(item.sink.findings.filter((f) => settings.rules.has(f.rule)));
  const generic = item.generic.filter((g) => !structural.some((s) => g.at >= s.start && g.at < s.end));
  const raw = [...structural, ...generic];
  if (raw.length === 0) return [];
  const text = item.file.text;
  const index = new LineIndex(text);
  const { markers, problems } = hasMarkers(text) ? readMarkers(text, index) : { markers: [], problems: [] };
  for (const p of problems) warnings.push({ file: item.file.path, line: p.line, level: 'warning', message: `${p.message}.` });
  const seen = new Map<string, number>();
  return raw.map((f) => {
    const masked = maskValue(f.value);
    const key = `${f.rule}\0${f.where}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const suppression = allowlisted(f, item.file.path, settings) ?? suppressionFor(f, markers, index);
    return {
      rule: f.rule,
      file: item.file.path,
      line: index.lineOf(f.at),
      column: index.columnOf(f.at),
      masked,
      message: messageFor(f, masked),
      fingerprint: fingerprint(`${f.rule}\0${item.file.path}\0${f.where}\0${nth}`),
      ...(suppression ? { suppression } : {}),
    };
  });
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<number>();
  return findings.filter((f) => !seen.has(f.at) && seen.add(f.at));
}

function allowlisted(f: RawFinding, path: string, settings: ScanSettings): Suppression | undefined {
  if (settings.allowlistValues.has(f.value)) return { kind: 'allowlist', marker: 'scan.allowlistValues' };
  if (settings.allowlistPaths.matches(path)) return { kind: 'allowlist', marker: 'scan.allowlistPaths' };
  return undefined;
}

function messageFor(f: RawFinding, masked: string): string {
  switch (f.rule) {
    case 'aws-provider-static-credentials':
    case 'aws-backend-static-credentials':
      return `${f.where} is a hard-coded credential (${masked}).`;
    case 'aws-credentials-in-variable-default':
      return f.flows
        ? `${f.where} is a literal (${masked}) that reaches a provider or backend credential.`
        : `${f.where} is an AWS credential (${masked}).`;
    case 'aws-credentials-in-tfvars':
      return `${f.where} assigns an AWS credential (${masked}).`;
    case 'aws-access-key-id':
      return `AWS access key id ${masked}.`;
    case 'aws-secret-access-key':
      return `AWS secret access key (${masked}) next to a secret keyword.`;
  }
}

/** FNV-1a over the finding's context (never its value): stable across runs and line moves. */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
