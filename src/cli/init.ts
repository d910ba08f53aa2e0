// `credguard init bash|zsh|fish|direnv`: print the shell integration from shell/, with the
// resolved `prompt` config and the absolute refresh command baked in (the warm path of a
// prompt cannot run Node to read the config).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkTopLevel, loadConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { bakeConfig, fishQuote, shQuote, substituteConfig, type InitShell } from '../prompt/bake.js';
import { promptConfig } from '../prompt/config.js';
import { packageRoot as corePackageRoot } from '../core/package.js';
import type { Cli } from './io.js';

const HELP = `credguard init — print the shell integration

Usage:
  eval "$(credguard init bash)"       # ~/.bashrc
  eval "$(credguard init zsh)"        # ~/.zshrc
  credguard init fish | source        # ~/.config/fish/config.fish
  credguard init direnv               # the direnv library (see the README)

Options:
  --position left|right   also place the segment in the prompt (default: only set
                          $CREDGUARD_PROMPT / credguard_prompt for you to place)
  -c, --config <file>     read the "prompt" config from this file instead of searching
  -h, --help              show this help

The "prompt" config (thresholds, symbol, colours, classes…) is resolved now and written into
the script; open a new shell after changing it.
`;

const SHELLS = ['bash', 'zsh', 'fish', 'direnv'] as const;

/** Package root with a trailing slash (the scripts below join paths onto it). */
export function packageRoot(): string {
  return `${corePackageRoot()}/`;
}

/**
 * What the background refresh runs. The node binary running us and our own bin, both absolute:
 * it works whatever PATH the shell has later (direnv, nvm, virtualenvs), and the init line is
 * re-run by every new shell, so an upgrade or a node switch is picked up there.
 */
export function refreshCommand(root: string): string[] {
  const bin = `${root}bin/credguard.js`;
  if (!existsSync(bin)) return ['credguard'];
  return [process.execPath, realpathSync(bin)];
}

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      position: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    cli.out(HELP);
    return 0;
  }
  const shell = positionals[0];
  if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell ?? '')) {
    throw new UserError(
      positionals.length === 0 ? 'init needs a shell.' : `unknown shell "${positionals.join(' ')}".`,
      'Use: credguard init bash | zsh | fish | direnv',
    );
  }
  const position = values.position;
  if (position !== undefined && position !== 'left' && position !== 'right') {
    throw new UserError(`unknown position "${position}".`, 'Use --position left or --position right.');
  }
  const root = packageRoot();
  if (shell === 'direnv') {
    const lib = `${root}shell/credguard.direnv.sh`;
    if (!existsSync(lib)) throw new UserError('the direnv integration is not part of this build.', 'Update credguard.');
    cli.out(readFileSync(lib, 'utf8'));
    return 0;
  }
  const sh = shell as InitShell;
  const config = await loadConfig(cli.cwd, values.config ?? (cli.env['CREDGUARD_CONFIG'] || undefined));
  checkTopLevel(config);
  const block = bakeConfig(sh, promptConfig(config), refreshCommand(root));
  let script = substituteConfig(readFileSync(`${root}shell/credguard.${sh}`, 'utf8'), block);
  if (position) {
    const assign = sh === 'fish' ? `set -g CREDGUARD_PROMPT_POSITION ${fishQuote(position)}` : `CREDGUARD_PROMPT_POSITION=${shQuote(position)}`;
    script = `${assign}\n${script}`;
  }
  cli.out(script);
  return 0;
}
