// The cheap first look at every file: which syntax it is, and whether it can hold a finding at
// all. Most Terraform files mention no key, secret or token; for those the lexer, the rules and
// their modules are never loaded (the speed budget of a pre-commit hook).
import type { FileKind, SourceFile } from './types.js';

/** Files without any of these cannot produce a finding (generic patterns and credential attributes). */
export const CANDIDATE = /A(?:KIA|SIA|BIA|CCA)|access_key|secret|token/i;
/** tfvars also flag key-shaped values under any name: a 40-char secret or an OIDC token. */
const KEY_SHAPED = /[A-Za-z0-9/+=]{40}|eyJ/;

export function fileKind(path: string): FileKind {
  const p = path.toLowerCase();
  if (p.endsWith('.tf.json')) return 'tf-json';
  if (p.endsWith('.tfvars.json')) return 'tfvars-json';
  if (p.endsWith('.tfvars')) return 'tfvars';
  if (p.endsWith('.tf') || p.endsWith('.hcl')) return 'tf';
  return 'text';
}

export function mayHoldFindings(path: string, text: string): boolean {
  if (CANDIDATE.test(text)) return true;
  const kind = fileKind(path);
  return (kind === 'tfvars' || kind === 'tfvars-json') && KEY_SHAPED.test(text);
}

/** True when nothing in the scan can be reported: every file read, none a candidate. */
export function nothingToReport(files: SourceFile[]): boolean {
  return files.every((f) => f.text !== undefined && !f.latin1 && !mayHoldFindings(f.path, f.text));
}
