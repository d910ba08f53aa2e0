// Terminal output helpers. Colour is decided once by the CLI (NO_COLOR, FORCE_COLOR, TTY).
import kleur from 'kleur';
import type { Finding } from './causes.js';

export { kleur };

export function decideColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

/**
 * The colour decision is made once by the dispatcher and kept where every command bundle's
 * copy of this module (scripts/bundle.mjs) finds it.
 */
const COLOR = Symbol.for('credguard.color');
type WithColor = Record<symbol, boolean | undefined>;

export function setColor(enabled: boolean): void {
  (globalThis as unknown as WithColor)[COLOR] = enabled;
  kleur.enabled = enabled;
}

const decided = (globalThis as unknown as WithColor)[COLOR];
if (decided !== undefined) kleur.enabled = decided;

/** `2h05m`, `42m`, `59s`, `expired` — the same format the shell fast path prints. */
export function formatCountdown(seconds: number): string {
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d`;
}

/**
 * Output passes through here: profile names, regions, file names and messages come from
 * environments, files and repositories that may be hostile, and a raw ESC or OSC sequence
 * would let them rewrite the terminal (title, clipboard, hidden text). Newlines, tabs and our
 * own colour sequences (SGR, `ESC [ … m`) stay; every other control character becomes `?`.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/g, '?');
}

const SEVERITY_MARK: Record<Finding['severity'], () => string> = {
  error: () => kleur.red('✗'),
  warn: () => kleur.yellow('!'),
  info: () => kleur.dim('i'),
};

/** A finding for humans, the same in whoami, env-check and doctor: mark, message, evidence, fix. */
export function renderFinding(f: Finding, prefix = ''): string {
  const lines = [`${SEVERITY_MARK[f.severity]()} ${prefix}${f.message} ${kleur.dim(`[${f.cause}]`)}`];
  if (f.evidence) lines.push(`    evidence: ${f.evidence}`);
  if (f.fix) lines.push(`    fix:      ${kleur.cyan(f.fix)}`);
  return lines.join('\n');
}
