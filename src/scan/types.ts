// Data shared by the scan modules: what goes in (source files) and what comes out (findings).
import type { RuleId } from './rules.js';

/** How a file is understood: Terraform native syntax, Terraform JSON, or plain text. */
export type FileKind = 'tf' | 'tfvars' | 'tf-json' | 'tfvars-json' | 'text';

export interface SourceFile {
  /** Path as shown to the user: relative, forward slashes. */
  path: string;
  /**
   * Decoded text; undefined when the file was skipped (see `skipped`); '' once the first look
   * found nothing in it for the scan to use (prefilter.ts, firstLook).
   */
  text?: string;
  /** Why the file was not scanned (binary, too large, unreadable). */
  skipped?: string;
  /** A skip worth a warning (too large, unreadable: it may hold keys), not just a note (binary). */
  skipWarns?: boolean;
  /** Set when the bytes were not valid UTF-8 and were decoded as latin1. */
  latin1?: boolean;
  /** Held a NUL byte: scanned for key patterns only (fail closed), never parsed. */
  binary?: boolean;
  /** Cached result of the prefilter (scan/prefilter.ts), so it runs once per file. */
  candidate?: boolean;
  /** Text released by a walk's first look, though the file may declare variables (firstLook). */
  reread?: boolean;
}

export interface Suppression {
  kind: 'inline' | 'checkov' | 'gitleaks' | 'allowlist';
  /** The marker or config entry that suppressed it, e.g. `checkov:skip=CKV_AWS_41`. */
  marker: string;
  reason?: string;
}

/** A finding before positions are resolved: offsets into the file's text. */
export interface RawFinding {
  rule: RuleId;
  /** Offset of the value that triggered the finding (reported position). */
  at: number;
  /** Span that this finding covers; generic findings inside it are dropped (one per location). */
  start: number;
  end: number;
  /** The secret itself: used for masking and allowlisting, never printed. */
  value: string;
  /** Human context: `provider "aws" access_key`, `variable "aws_secret_key"` … */
  where: string;
  /** Span of the enclosing provider block, for checkov's block-wide skip comments. */
  block?: { start: number; end: number };
  /** A variable default found through its use in a credential attribute. */
  flows?: boolean;
}

export interface Finding {
  rule: RuleId;
  file: string;
  line: number;
  column: number;
  /** Masked value: `AKIA…5TRW` or `<40 chars hidden>`. */
  masked: string;
  message: string;
  /** Stable id that does not depend on the secret (SARIF partialFingerprints). */
  fingerprint: string;
  suppression?: Suppression;
}

export interface ScanWarning {
  file: string;
  line?: number;
  /** note: skipped or re-decoded files; warning: a file that does not parse, a bad marker. */
  level: 'note' | 'warning';
  message: string;
}

export interface ScanReport {
  findings: Finding[];
  warnings: ScanWarning[];
  filesScanned: number;
}
