// `credguard init <shell>` bakes the resolved `prompt` config into the emitted script: the warm
// path cannot run Node, so every option becomes a literal shell assignment, quoted so that no
// value can run code when the script is eval'd. The shell files carry defaults between the
// markers below; `init` replaces that block (and the refresh command line) with these lines.
import { colorSgr, LEVELS, minutesToSeconds, type PromptConfig } from './config.js';
import { zshColor } from './render.js';

export const BAKE_BEGIN = '# >>> credguard config >>>';
export const BAKE_END = '# <<< credguard config <<<';

export type InitShell = 'bash' | 'zsh' | 'fish';

/** POSIX single quoting (bash, zsh). */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish single quoting: only `\` and `'` are special inside. */
export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * A class glob as a shell pattern with only `*` and `?` active. bash: every other ASCII
 * punctuation character is backslash-escaped; zsh: its pattern characters `[]()|<>~#^\`
 * (`<1-9>`, `(a|b)`…); fish: an anchored `string match -r` regex.
 */
export function shellPattern(glob: string, shell: InitShell): string {
  if (shell === 'fish') {
    // fish's `string match` glob cannot put a literal `\` before a wildcard: use a regex
    let re = '^';
    for (const ch of glob) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[^A-Za-z0-9\u0080-\u{10ffff}]/u, '\\$&');
    return `${re}$`;
  }
  // zsh keeps the backslash before a character that is not special to its patterns
  if (shell === 'zsh') return glob.replace(/[[\]()|<>~#^\\]/g, '\\$&');
  return glob.replace(/[^A-Za-z0-9*?\u0080-\u{10ffff}]/gu, '\\$&');
}

/** The config block for one shell. `cmd` is the refresh command prefix (argv). */
export function bakeConfig(shell: InitShell, config: PromptConfig, cmd: string[]): string {
  const q = shell === 'fish' ? fishQuote : shQuote;
  const flag = (b: boolean): string => (b ? '1' : '0');
  const scalars: Array<[string, string]> = [
    ['symbol', config.symbol],
    ['warn', String(minutesToSeconds(config.warnMinutes))],
    ['danger', String(minutesToSeconds(config.dangerMinutes))],
    ['hide_none', flag(config.hideWhenNone)],
    ['hide_expired', flag(config.expired === 'hide')],
    ['show_account', flag(config.showAccount)],
    ['show_region', flag(config.showRegion)],
    ['show_countdown', flag(config.showCountdown)],
    ['plain', flag(config.plain)],
    ['refresh', flag(config.refresh)],
  ];
  for (const level of LEVELS) {
    scalars.push([`sgr_${level}`, colorSgr(config.colors[level])]);
    scalars.push([`zc_${level}`, zshColor(config.colors[level])]);
  }
  // classes: flat list of pattern, SGR, zsh colour triples
  const classes = config.classes.flatMap(({ glob, color }) => [shellPattern(glob, shell), colorSgr(color), zshColor(color)]);
  const lines = [BAKE_BEGIN];
  if (shell === 'fish') {
    lines.push(`set -g __credguard_cmd ${cmd.map(q).join(' ')}`);
    for (const [k, v] of scalars) lines.push(`set -g __credguard_${k} ${q(v)}`);
    lines.push(`set -g __credguard_classes ${classes.map(q).join(' ')}`.trimEnd());
  } else {
    const decl = shell === 'bash' ? 'declare -g' : 'typeset -g';
    lines.push(`${decl} -a __credguard_cmd=(${cmd.map(q).join(' ')})`);
    for (const [k, v] of scalars) lines.push(`${decl} __credguard_${k}=${q(v)}`);
    lines.push(`${decl} -a __credguard_classes=(${classes.map(q).join(' ')})`);
  }
  lines.push(BAKE_END);
  return lines.join('\n');
}

/** Replace the default block of a shell file with the baked one. */
export function substituteConfig(script: string, block: string): string {
  const start = script.indexOf(BAKE_BEGIN);
  const end = script.indexOf(BAKE_END);
  if (start < 0 || end < start) throw new Error('shell script has no credguard config block');
  return script.slice(0, start) + block + script.slice(end + BAKE_END.length);
}
