// The cheap first look at every file: which syntax it is, and whether it can hold a finding at
// all. Most Terraform files mention no key, secret or token; for those the lexer, the rules and
// their modules are never loaded (the speed budget of a pre-commit hook).
import type { FileKind, SourceFile } from './types.js';

/** `secret` -> `[Ss][Ee][Cc][Rr][Ee][Tt]`: case-insensitive without the /i flag, which is ~2× slower here. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c.toUpperCase()}${c}]`);
}

/**
 * A file that matches none of these cannot produce a finding: a key id; a secret keyword (the
 * generic secret rule); a credential attribute or credential-named variable (structural rules:
 * `access_key`, `secret_key`, `token =`, `web_identity_token`, `session_token`). Variable
 * defaults that reach a credential are found through the file holding the attribute.
 */
export const CANDIDATE = new RegExp(
  [
    '(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}',
    `${anyCase('secret')}[_.-]?(?:${anyCase('access')}[_.-]?)?${anyCase('key')}`,
    anyCase('access_key'),
    anyCase('session_token'),
    anyCase('identity_token'),
    anyCase('aws_token'),
    'token["\']?\\s*[=:]',
  ].join('|'),
);

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
  // tfvars also flag key-shaped values under any name: a 40-char secret, a token, an OIDC JWT
  return (kind === 'tfvars' || kind === 'tfvars-json') && (text.includes('eyJ') || hasBase64Run(text, 40));
}

/** Is there a run of `length` base64 characters? A plain loop: a regex for this is ~50× slower. */
export function hasBase64Run(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const base64 = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 47 && c <= 57) || c === 43 || c === 61;
    if (!base64) run = 0;
    else if (++run >= length) return true;
  }
  return false;
}

/**
 * A directory walk's first look at a file just read: the prefilter runs once, and a file that
 * cannot hold a finding keeps no text — a 1,000-file tree would otherwise carry megabytes of
 * text through every garbage collection of the scan. One that may declare a variable
 * (scanSources' `deferred`) is marked `reread`: needed only if a candidate shares its directory.
 */
export function firstLook(file: SourceFile): SourceFile {
  if (file.text === undefined) return file;
  file.candidate ??= mayHoldFindings(file.path, file.text);
  if (file.candidate || file.latin1) return file; // latin1 files are reported on (a note)
  return { path: file.path, text: '', candidate: false, reread: mayDeclareVariables(file) };
}

/**
 * A Terraform file (not binary) that mentions `variable`: it may declare one that reaches a
 * credential attribute elsewhere in its module, so the engine keeps it at hand (`deferred`).
 */
export function mayDeclareVariables(file: SourceFile): file is SourceFile & { text: string } {
  return file.text !== undefined && !file.binary && fileKind(file.path) !== 'text' && file.text.includes('variable');
}

/** The directory part of a display path: a Terraform module, for the rules that span files. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}

/** True when nothing in the scan can be reported: every file read, none a candidate. */
export function nothingToReport(files: SourceFile[]): boolean {
  let nothing = true;
  for (const f of files) {
    if (f.text === undefined || f.latin1) nothing = false;
    else if ((f.candidate ??= mayHoldFindings(f.path, f.text))) nothing = false;
  }
  return nothing;
}

/**
 * In a partial scan (staged or named files), a file with a `variable` default can still yield a
 * finding through a credential attribute in a file of its module that is not scanned.
 */
export function declaresDefaults(files: SourceFile[]): boolean {
  return files.some((f) => {
    const kind = fileKind(f.path);
    return f.text !== undefined && (kind === 'tf' || kind === 'tf-json') && f.text.includes('variable') && f.text.includes('default');
  });
}

/**
 * A credential attribute assigned from one of these variables, on one line: how a partial scan
 * picks the unscanned files worth reading (a POSIX ERE for `git grep`, and a JS RegExp).
 */
export function credentialUsePattern(names: string[]): string {
  const alternatives = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return `(access_key|secret_key|token)["']?[ \t]*[=:].*var\\.(${alternatives})([^A-Za-z0-9_-]|$)`;
}

/** `variable "name"` (native) or `"variable": { "name"` (JSON) declarations, found without lexing. */
export function declaredVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\bvariable\s*"([^"\n]+)"/g)) names.push(m[1] ?? '');
  const json = /"variable"\s*:\s*\{([^]*)/.exec(text);
  if (json) for (const m of (json[1] ?? '').matchAll(/"([^"\n]+)"\s*:\s*\{/g)) names.push(m[1] ?? '');
  return names.filter(Boolean);
}
