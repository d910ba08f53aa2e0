// `credguard prompt`: the Node renderer of the prompt segment, for hosts that run a command per
// prompt or status line (starship custom modules, tmux `#()`, scripts). It prints exactly what
// the shell fast path puts in $CREDGUARD_PROMPT for the same state file, and, like the shells,
// starts a detached background refresh when the state is missing or stale — it never waits.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkTopLevel, loadConfig } from '../core/config.js';
import { LOCK_STALE_MS } from '../core/cache.js';
import { UserError } from '../core/errors.js';
import { promptConfig } from '../prompt/config.js';
import { formatSegment, plainMode, segmentModel, singleColor, zshColor, type ShellKind } from '../prompt/render.js';
import { loadPromptState, refreshLockPath } from '../prompt/state-file.js';
import { packageRoot, refreshCommand } from './init.js';
import type { Cli } from './io.js';

const HELP = `credguard prompt — print the prompt segment (starship, tmux, powerlevel10k, scripts)

Usage: credguard prompt [--shell bash|zsh|fish|tmux|plain] [--format text|json] [--no-refresh]

  --shell      escape and colour for this host: bash (\\001…\\002 around colours), zsh (%{…%},
               % doubled), fish (raw ANSI colours), tmux (#[fg=…], # doubled), plain (no colour).
               Default: fish-style ANSI on a colour terminal, else plain.
  --format     text (default) or json (segment, level, colour, label, account, region, stale…)
  --no-refresh do not start a background refresh when the state is missing or stale

Reads only the state file that 'credguard refresh' writes; prints nothing when the segment is
hidden. Exit code 0 (2 on a usage or config error).
`;

const SHELLS: readonly ShellKind[] = ['bash', 'zsh', 'fish', 'tmux', 'plain'];

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      shell: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'no-refresh': { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    cli.out(HELP);
    return 0;
  }
  const shell = (values.shell ?? (cli.color ? 'fish' : 'plain')) as ShellKind;
  if (!SHELLS.includes(shell)) throw new UserError(`unknown shell "${values.shell}".`, `Use --shell ${SHELLS.join(', ')}.`);
  if (values.format !== 'text' && values.format !== 'json') throw new UserError(`unknown format "${values.format}".`, 'Use --format text or json.');

  const config = await loadConfig(cli.cwd, values.config ?? (cli.env['CREDGUARD_CONFIG'] || undefined));
  checkTopLevel(config);
  const cfg = promptConfig(config);
  const now = Math.floor(cli.now() / 1000);
  const loaded = loadPromptState(cli.env, cli.home, now);
  const seg = segmentModel({ state: loaded.state, now, env: cli.env, stale: loaded.stale }, cfg);
  const text = formatSegment(seg, shell, plainMode(cfg, cli.env));

  if (loaded.stale && cfg.refresh && !values['no-refresh'] && !cli.env['CREDGUARD_PROMPT_NO_REFRESH']) {
    startRefresh(cli, refreshLockPath(loaded.cacheRoot, loaded.context));
  }

  if (values.format === 'json') {
    cli.out(
      JSON.stringify({
        segment: text,
        text: seg.hidden ? '' : seg.tail ? `${seg.head} ${seg.tail}` : seg.head,
        hidden: seg.hidden,
        level: seg.level,
        color: zshColor(singleColor(seg)),
        label: seg.label,
        account: seg.account,
        region: seg.region,
        tail: seg.tail,
        status: loaded.state?.status ?? 'unknown',
        expires: loaded.state?.expires ?? 0,
        refreshable: loaded.state?.refreshable ?? false,
        stale: loaded.stale,
        context: loaded.context,
        stateFile: loaded.path,
      }),
    );
  } else if (text !== '') {
    cli.outRaw(text);
  }
  return 0;
}

/** Detached, silent `credguard refresh --quiet`, unless a refresh holds the context's lock. */
function startRefresh(cli: Cli, lockPath: string): void {
  try {
    if (existsSync(lockPath) && cli.now() - statSync(lockPath).mtimeMs < LOCK_STALE_MS) return;
  } catch {
    // the lock vanished between the two calls: a refresh just finished; start one anyway
  }
  const [cmd, ...rest] = refreshCommand(packageRoot());
  try {
    const child = spawn(cmd ?? 'credguard', [...rest, 'refresh', '--quiet'], {
      detached: true,
      stdio: 'ignore',
      env: { ...cli.env } as NodeJS.ProcessEnv,
      cwd: cli.cwd,
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // a prompt never fails because the refresh could not start
  }
}
