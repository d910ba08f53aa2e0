// The `prompt` config section (cosmiconfig, see src/core/config.ts) and its defaults.
//
//   { "prompt": {
//       "symbol": "☁", "warnMinutes": 30, "dangerMinutes": 10,
//       "hideWhenNone": true, "expired": "mark", "showAccount": true, "showRegion": true,
//       "showCountdown": true, "plain": false, "refresh": true,
//       "colors": { "normal": "cyan", "warn": "yellow", "danger": "red", "expired": "red", "unknown": "default" },
//       "classes": { "*prod*": "red" } } }
//
// The shells cannot run Node on the warm path, so `credguard init <shell>` resolves this
// section once and bakes it into the emitted script as literal assignments (src/prompt/bake.ts).
// Edit the config, then open a new shell (or re-run the init line) to pick it up.
import { readSection, type LoadedConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';

/** Urgency levels, each with a configurable colour. */
export const LEVELS = ['normal', 'warn', 'danger', 'expired', 'unknown'] as const;
export type Level = (typeof LEVELS)[number];

export interface PromptConfig {
  /** Shown first; "" for none. */
  symbol: string;
  /** Countdown at or below this many minutes → level warn. */
  warnMinutes: number;
  /** Countdown at or below this many minutes → level danger. */
  dangerMinutes: number;
  /** Hide the segment when there are no credentials at all (state status "none"). */
  hideWhenNone: boolean;
  /** Expired, non-refreshable credentials: "mark" shows `expired`, "hide" hides the segment. */
  expired: 'mark' | 'hide';
  showAccount: boolean;
  showRegion: boolean;
  showCountdown: boolean;
  /** No colour at all (also: NO_COLOR set and non-empty in the environment, or --shell plain). */
  plain: boolean;
  /** Start `credguard refresh --quiet` in the background when the state is missing or stale. */
  refresh: boolean;
  colors: Record<Level, string>;
  /** Glob (`*`, `?`; everything else literal) → colour, matched against the label, then the account. First match wins. */
  classes: Array<{ glob: string; color: string }>;
}

export const DEFAULT_COLORS: Record<Level, string> = {
  normal: 'cyan',
  warn: 'yellow',
  danger: 'red',
  expired: 'red',
  unknown: 'default',
};

export const PROMPT_DEFAULTS: PromptConfig = {
  symbol: '☁',
  warnMinutes: 30,
  dangerMinutes: 10,
  hideWhenNone: true,
  expired: 'mark',
  showAccount: true,
  showRegion: true,
  showCountdown: true,
  plain: false,
  refresh: true,
  colors: { ...DEFAULT_COLORS },
  classes: [],
};

/** Named colours → SGR foreground parameters. A number 0–255 means the 256-colour palette. */
export const COLOR_SGR: Record<string, string> = {
  default: '39',
  black: '30',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  white: '37',
  gray: '90',
  grey: '90',
  brightblack: '90',
  brightred: '91',
  brightgreen: '92',
  brightyellow: '93',
  brightblue: '94',
  brightmagenta: '95',
  brightcyan: '96',
  brightwhite: '97',
};

export function isColor(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value in COLOR_SGR) return true;
  return /^\d{1,3}$/.test(value) && Number(value) <= 255;
}

/** SGR parameters for a validated colour: `31`, `38;5;208`. */
export function colorSgr(color: string): string {
  return COLOR_SGR[color] ?? `38;5;${Number(color)}`;
}

const HAS_CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** Validate the `prompt` section of a loaded config and fill in the defaults. */
export function promptConfig(config: LoadedConfig): PromptConfig {
  const { colors: _c, classes: _k, ...scalarDefaults } = PROMPT_DEFAULTS;
  const raw = readSection(config, 'prompt', { ...scalarDefaults, colors: {} as Record<string, unknown>, classes: {} as Record<string, unknown> });
  const where = config.filepath ?? 'config';
  const fail = (msg: string, hint?: string): never => {
    throw new UserError(`${where}: ${msg}`, hint);
  };
  const colorHint = `Colours: ${Object.keys(COLOR_SGR).join(', ')}, or a number 0-255.`;
  if (raw.expired !== 'mark' && raw.expired !== 'hide') fail(`"prompt.expired" must be "mark" or "hide", got ${JSON.stringify(raw.expired)}.`);
  if (HAS_CONTROL.test(raw.symbol)) fail('"prompt.symbol" must not contain control characters.');
  if (raw.dangerMinutes > raw.warnMinutes) fail(`"prompt.dangerMinutes" (${raw.dangerMinutes}) must not exceed "prompt.warnMinutes" (${raw.warnMinutes}).`);
  const colors = { ...DEFAULT_COLORS };
  for (const [level, color] of Object.entries(raw.colors)) {
    if (!(LEVELS as readonly string[]).includes(level)) fail(`unknown key "prompt.colors.${level}".`, `Known levels: ${LEVELS.join(', ')}.`);
    if (!isColor(color)) fail(`"prompt.colors.${level}" is not a colour: ${JSON.stringify(color)}.`, colorHint);
    colors[level as Level] = color as string;
  }
  const classes: PromptConfig['classes'] = [];
  for (const [glob, color] of Object.entries(raw.classes)) {
    if (glob === '' || HAS_CONTROL.test(glob)) fail(`"prompt.classes" has an empty glob or one with control characters.`);
    if (!isColor(color)) fail(`"prompt.classes.${glob}" is not a colour: ${JSON.stringify(color)}.`, colorHint);
    classes.push({ glob, color: color as string });
  }
  return {
    symbol: raw.symbol,
    warnMinutes: raw.warnMinutes,
    dangerMinutes: raw.dangerMinutes,
    hideWhenNone: raw.hideWhenNone,
    expired: raw.expired as PromptConfig['expired'],
    showAccount: raw.showAccount,
    showRegion: raw.showRegion,
    showCountdown: raw.showCountdown,
    plain: raw.plain,
    refresh: raw.refresh,
    colors,
    classes,
  };
}

/** Threshold in whole seconds (minutes may be fractional). */
export function minutesToSeconds(minutes: number): number {
  return Math.round(minutes * 60);
}

/** The class glob semantics every shell implements: `*` any run, `?` one character, the rest literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'su');
}
