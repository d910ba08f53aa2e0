// Bytes to text for the scanner. Binary files (a NUL byte, git's test) are still searched for
// key-shaped values — a key in a binary .tf must not pass (fail closed) — but never parsed;
// oversized files are skipped with a warning; bytes that are not UTF-8 are read as latin1 so
// every ASCII key survives.
import { isUtf8 } from 'node:buffer';
import type { SourceFile } from './types.js';

const BINARY_PROBE_BYTES = 8000;

export function decodeSource(path: string, bytes: Buffer): SourceFile {
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { path, text: bytes.toString('latin1').replace(/\0/g, ' '), latin1: true, binary: true };
  if (isUtf8(bytes)) return { path, text: bytes.toString('utf8') };
  return { path, text: bytes.toString('latin1'), latin1: true };
}

export function tooLarge(path: string, size: number, max: number): SourceFile {
  return { path, skipped: `larger than ${formatBytes(max)} (${formatBytes(size)}); raise scan.maxFileBytes to scan it`, skipWarns: true };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${n} bytes`;
}
