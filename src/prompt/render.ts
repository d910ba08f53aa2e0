// The prompt segment: what to show for a parsed state file, a clock and an environment.
//
// This module is the reference for the three shell fast paths (shell/credguard.{bash,zsh,fish}):
// they implement exactly these rules with builtins, and test/prompt/parity.test.ts checks that
// `credguard prompt --shell X` and the shell print the same bytes for the same state files.
// Change a rule here and there together.
//
//   [symbol ]label[ account][ region][ tail]
//
//   label    the state's label (profile name, or "env keys" when env keys are the source);
//            without a usable state: "env keys" when AWS_ACCESS_KEY_ID is set, else the profile
//   region   live $AWS_REGION, else $AWS_DEFAULT_REGION, else the state's region
//   tail     ok + expiry known   countdown (2h05m, 42m, 59s)   level normal | warn | danger
//            ok + no expiry      (nothing)                      level normal
//            expired             `sso⟳` when refreshable (level warn), else `expired` (level
//                                expired) or hidden (config expired = hide)
//            invalid / error     `✗ invalid` / `✗ error`        level danger
//            none                hidden (hideWhenNone), else `✗ no credentials`, level danger
//            unknown, no state   `?`                            level unknown
//            stale state         the tail gets a `?` appended (`42m?`), or is `?`
//   colours  tail: the level's colour; head: the first class whose glob matches the label or
//            the account, else the level's colour.
import type { Env } from '../core/context.js';
import { formatCountdown } from '../core/ui.js';
import type { PromptState } from '../core/state.js';
import { colorSgr, globToRegExp, minutesToSeconds, type Level, type PromptConfig } from './config.js';

export type ShellKind = 'bash' | 'zsh' | 'fish' | 'tmux' | 'plain';
export const SHELL_KINDS: readonly ShellKind[] = ['bash', 'zsh', 'fish', 'tmux', 'plain'];

/** At most this many lines of a state file are read (the shells stop there too). */
export const MAX_STATE_LINES = 64;

export interface SegmentInput {
  /** The parsed state file, or undefined when it is missing or belongs to another context. */
  state: Partial<PromptState> | undefined;
  /** Epoch seconds. */
  now: number;
  /** Exported environment (what Terraform and the refresh see). */
  env: Env;
  /** The state is missing, past stale_after, or older than an AWS file. */
  stale: boolean;
}

export interface Segment {
  hidden: boolean;
  level: Level | 'hidden';
  /** symbol, label, account, region joined by spaces (control characters replaced by `?`). */
  head: string;
  tail: string;
  /** Colour names from the config. */
  headColor: string;
  tailColor: string;
  label: string;
  account: string;
  region: string;
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
export const sanitize = (value: string): string => value.replace(CONTROL, '?');

function envValue(env: Env, name: string): string {
  return env[name] ?? '';
}

/** The label shown when no usable state exists (mirrors promptContextName). */
export function guessLabel(env: Env): string {
  if (envValue(env, 'AWS_ACCESS_KEY_ID') !== '') return 'env keys';
  return envValue(env, 'AWS_PROFILE') || envValue(env, 'AWS_DEFAULT_PROFILE') || 'default';
}

export function segmentModel(input: SegmentInput, config: PromptConfig): Segment {
  const { state, now, env } = input;
  const hidden = (): Segment => ({ hidden: true, level: 'hidden', head: '', tail: '', headColor: '', tailColor: '', label: '', account: '', region: '' });

  const label = sanitize((state?.label ?? '') || guessLabel(env));
  const account = sanitize(state?.account ?? '');
  const region = sanitize(envValue(env, 'AWS_REGION') || envValue(env, 'AWS_DEFAULT_REGION') || (state?.region ?? ''));

  let tail = '';
  let level: Level = 'unknown';
  const expiredTail = (): boolean => {
    if (state?.refreshable) {
      tail = 'sso⟳';
      level = 'warn';
      return true;
    }
    if (config.expired === 'hide') return false;
    tail = 'expired';
    level = 'expired';
    return true;
  };

  if (!state) {
    tail = '?';
    level = 'unknown';
  } else {
    const status = state.status ?? 'unknown';
    switch (status) {
      case 'ok': {
        const expires = state.expires ?? 0;
        level = 'normal';
        if (expires > 0) {
          const left = expires - now;
          if (left <= 0) {
            if (!expiredTail()) return hidden();
          } else {
            if (config.showCountdown) tail = formatCountdown(left);
            if (left <= minutesToSeconds(config.dangerMinutes)) level = 'danger';
            else if (left <= minutesToSeconds(config.warnMinutes)) level = 'warn';
          }
        }
        break;
      }
      case 'expired':
        if (!expiredTail()) return hidden();
        break;
      case 'invalid':
      case 'error':
        tail = `✗ ${status}`;
        level = 'danger';
        break;
      case 'none':
        if (config.hideWhenNone) return hidden();
        tail = '✗ no credentials';
        level = 'danger';
        break;
      default:
        tail = '?';
        level = 'unknown';
    }
  }
  if (input.stale && !tail.endsWith('?')) tail += '?';

  let head = label;
  if (config.symbol !== '') head = `${config.symbol} ${head}`;
  if (config.showAccount && account !== '') head += ` ${account}`;
  if (config.showRegion && region !== '') head += ` ${region}`;

  const tailColor = config.colors[level];
  const cls = config.classes.find(({ glob }) => {
    const re = globToRegExp(glob);
    return re.test(label) || re.test(account);
  });
  return { hidden: false, level, head, tail, headColor: cls?.color ?? tailColor, tailColor, label, account, region };
}

/** Is colour off? config.plain, or NO_COLOR set and non-empty. */
export function plainMode(config: PromptConfig, env: Env): boolean {
  return config.plain || envValue(env, 'NO_COLOR') !== '';
}

const ESC = '\x1b';

/** Wrap an SGR sequence so the shell's line editor counts it as zero width. */
function open(shell: ShellKind, color: string): string {
  if (shell === 'tmux') return `#[fg=${tmuxColor(color)}]`;
  const sgr = `${ESC}[${colorSgr(color)}m`;
  if (shell === 'bash') return `\x01${sgr}\x02`;
  if (shell === 'zsh') return `%{${sgr}%}`;
  return sgr;
}

function tmuxColor(color: string): string {
  if (/^\d+$/.test(color)) return `colour${color}`;
  if (color === 'gray' || color === 'grey') return 'brightblack';
  return color;
}

/** Escape text for the target's prompt language (zsh `%`, tmux `#`). */
function escapeText(shell: ShellKind, text: string): string {
  if (shell === 'zsh') return text.replace(/%/g, '%%');
  if (shell === 'tmux') return text.replace(/#/g, '##');
  return text;
}

/** The exact bytes the shell fast path puts in $CREDGUARD_PROMPT. */
export function formatSegment(seg: Segment, shell: ShellKind, plain: boolean): string {
  if (seg.hidden) return '';
  const head = escapeText(shell, seg.head);
  const tail = escapeText(shell, seg.tail);
  if (plain || shell === 'plain') return tail ? `${head} ${tail}` : head;
  let out = open(shell, seg.headColor) + head;
  if (tail) {
    out += ' ';
    if (colorSgr(seg.tailColor) !== colorSgr(seg.headColor)) out += open(shell, seg.tailColor);
    out += tail;
  }
  return out + open(shell, 'default');
}

/** One colour for single-colour hosts (p10k `-f`): the class colour while the level is normal, else the level's. */
export function singleColor(seg: Segment): string {
  if (seg.hidden) return '';
  return seg.level === 'normal' ? seg.headColor : seg.tailColor;
}

/** zsh/p10k colour spelling of a config colour: 0-255 or `default`. */
export function zshColor(color: string): string {
  if (color === '') return '';
  const sgr = colorSgr(color);
  if (sgr === '39') return 'default';
  if (sgr.startsWith('38;5;')) return sgr.slice(5);
  const n = Number(sgr);
  return String(n >= 90 ? n - 90 + 8 : n - 30);
}
