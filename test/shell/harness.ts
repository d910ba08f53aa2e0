// Shared pieces of the shell tests: a sandbox (fake HOME + cache), state files, the init
// script for each shell, one-shot renders in a real shell, and interactive shells under tmux.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeState, type PromptState } from '../../src/core/state.js';
import { main } from '../../src/cli/main.js';
import { processContext } from '../../src/core/context.js';
import type { Cli } from '../../src/cli/io.js';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export const nowSec = (): number => Math.floor(Date.now() / 1000);

export interface Sandbox {
  root: string;
  home: string;
  cache: string;
  /** Working directory for init/prompt (holds .credguardrc.json when a test writes one). */
  cwd: string;
  /** Marker directory for hostile-state tests: nothing may ever appear in it. */
  pwned: string;
  env: (extra?: Record<string, string | undefined>) => Record<string, string>;
  cleanup: () => void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'credguard-prompt-'));
  const home = join(root, 'home');
  const cache = join(root, 'cache');
  const cwd = join(root, 'cwd');
  const pwned = join(root, 'pwned');
  for (const d of [home, join(home, '.aws'), cache, join(cache, 'prompt'), cwd, pwned]) mkdirSync(d, { recursive: true, mode: 0o700 });
  return {
    root,
    home,
    cache,
    cwd,
    pwned,
    env: (extra = {}) => {
      const env: Record<string, string> = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        LANG: 'C.UTF-8',
        TERM: 'xterm-256color',
        CREDGUARD_CACHE_DIR: cache,
      };
      for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
      return env;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A valid state; `fields` override the defaults (an ok, long-lived `prod` profile). */
export function state(fields: Partial<PromptState> & { context: string }): PromptState {
  const now = nowSec();
  return {
    label: 'prod',
    profile: 'prod',
    shadowed: false,
    source: 'profile',
    account: '123456789012',
    region: 'us-east-1',
    status: 'ok',
    cause: '',
    expires: 0,
    refreshable: false,
    checked: now,
    staleAfter: now + 3600,
    written: now,
    ...fields,
  };
}

export function writeState(sb: Sandbox, s: PromptState | { context: string; raw: string }, mtimeSec?: number): string {
  const path = join(sb.cache, 'prompt', `${s.context}.state`);
  writeFileSync(path, 'raw' in s ? s.raw : serializeState(s), { mode: 0o600 });
  if (mtimeSec !== undefined) utimesSync(path, mtimeSec, mtimeSec);
  return path;
}

/** Run the CLI in this process (fast), capturing stdout. */
export async function cliOut(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const cli: Cli = {
    ...processContext(env),
    cwd,
    out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`),
    outRaw: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith('\n') ? t : `${t}\n`),
    color: false,
    stdoutIsTTY: false,
  };
  const code = await main(args, cli);
  return { code, out, err };
}

/** `credguard prompt` output without the final newline the CLI adds. */
export async function nodePrompt(shell: string, env: Record<string, string>, cwd: string): Promise<string> {
  const r = await cliOut(['prompt', '--shell', shell, '--no-refresh'], env, cwd);
  if (r.code !== 0) throw new Error(`credguard prompt failed: ${r.err}`);
  return r.out.replace(/\n$/, '');
}

/** Write `credguard init <shell>` (resolved in `cwd`) to a file; returns its path. */
export async function initFile(sb: Sandbox, shell: Shell, extraArgs: string[] = [], name = `init.${shell}`): Promise<string> {
  const r = await cliOut(['init', shell, ...extraArgs], sb.env(), sb.cwd);
  if (r.code !== 0) throw new Error(`credguard init ${shell} failed: ${r.err}`);
  const path = join(sb.root, name);
  writeFileSync(path, r.out);
  return path;
}

/** argv that sources `init` in a clean non-interactive shell and then runs `body`. */
export function shellArgv(shell: Shell, init: string, body: string): string[] {
  switch (shell) {
    case 'bash':
      return ['bash', '--norc', '--noprofile', '-c', `source "$1"; ${body}`, 'bash', init];
    case 'zsh':
      return ['zsh', '-f', '-c', `source "$1"; ${body}`, 'zsh', init];
    case 'fish':
      return ['fish', '--no-config', '-c', `source $argv[1]; ${body}`, init];
  }
}

/** Render once in a real shell; returns $CREDGUARD_PROMPT exactly. */
export function shellPrompt(shell: Shell, init: string, env: Record<string, string>, variable = 'CREDGUARD_PROMPT'): string {
  const body = shell === 'fish' ? `__credguard_render; printf '%s' "$${variable}"` : `__credguard_render; printf '%s' "$${variable}"`;
  const [cmd, ...args] = shellArgv(shell, init, body);
  const r = spawnSync(cmd!, args, { env: { ...env, CREDGUARD_PROMPT_NO_REFRESH: env['CREDGUARD_PROMPT_NO_REFRESH'] ?? '1' }, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || r.stderr) throw new Error(`${shell} render failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Interactive shells under tmux

let tmuxSeq = 0;

export interface TmuxShell {
  /** Type a line and press Enter. */
  line: (text: string) => void;
  /** The visible screen, lines trimmed at the end, empty trailing lines dropped. */
  screen: (opts?: { escapes?: boolean }) => string;
  /** Poll the screen until `pred` holds; returns the screen and the time it took. */
  waitFor: (pred: (screen: string) => boolean, what: string, timeoutMs?: number) => Promise<{ screen: string; ms: number }>;
  /** Clear the screen and tmux history so the next waitFor sees only new output. */
  clear: () => Promise<void>;
  stop: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Start `shell` interactively in a detached tmux session with only `env`, reading `rc` as its
 * startup file: bash --rcfile, zsh ZDOTDIR/.zshrc with global rc files off, fish --no-config -C.
 */
export async function tmuxShell(sb: Sandbox, shell: Shell, rc: string, env: Record<string, string>): Promise<TmuxShell> {
  const socket = `credguard-test-${process.pid}-${++tmuxSeq}`;
  const rcPath = join(sb.root, `rc-${tmuxSeq}.${shell}`);
  let argv: string[];
  const fullEnv = { ...env };
  if (shell === 'bash') {
    writeFileSync(rcPath, rc);
    argv = ['bash', '--noprofile', '--rcfile', rcPath, '-i'];
  } else if (shell === 'zsh') {
    const zdot = join(sb.root, `zdot-${tmuxSeq}`);
    mkdirSync(zdot);
    writeFileSync(join(zdot, '.zshrc'), rc);
    fullEnv['ZDOTDIR'] = zdot;
    argv = ['zsh', '-d', '-i'];
  } else {
    writeFileSync(rcPath, rc);
    argv = ['fish', '--no-config', '-i', '-C', `source ${rcPath}`];
  }
  const envArgs = Object.entries(fullEnv).map(([k, v]) => `${k}=${v}`);
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '300', '-y', '40', '-s', 't', 'env', '-i', ...envArgs, ...argv);
  const t: TmuxShell = {
    line: (text) => {
      tmux('send-keys', '-t', 't', '-l', text);
      tmux('send-keys', '-t', 't', 'Enter');
    },
    screen: (opts = {}) =>
      tmux('capture-pane', '-p', '-J', ...(opts.escapes ? ['-e'] : []), '-t', 't')
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n')
        .replace(/\n+$/, ''),
    waitFor: async (pred, what, timeoutMs = 10_000) => {
      const start = process.hrtime.bigint();
      let screen = '';
      for (;;) {
        screen = t.screen();
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (pred(screen)) return { screen, ms };
        if (ms > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`);
        await sleep(10);
      }
    },
    clear: async () => {
      tmux('send-keys', '-t', 't', 'C-l');
      await sleep(150);
      tmux('clear-history', '-t', 't');
    },
    stop: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return t;
}

/** Lines of the screen that look like prompts (contain `marker`). */
export function promptLines(screen: string, marker: string): string[] {
  return screen.split('\n').filter((l) => l.includes(marker));
}

// ---------------------------------------------------------------------------------------------
// Process accounting (tests and bench/prompt.ts)

/** Loop `n` renders through the same hook a prompt runs. */
export function renderLoop(shell: Shell, n: number): string {
  switch (shell) {
    case 'bash':
      return `for ((i = 0; i < ${n}; i++)); do __credguard_precmd; done`;
    case 'zsh':
      // zsh's precmd hook is __credguard_render itself (zsh restores $? after precmd functions)
      return `for ((i = 0; i < ${n}; i++)); do __credguard_render; done`;
    case 'fish':
      return `for i in (string split ' ' (string repeat -n ${n} 'x '))[1..${n}]; __credguard_render; end`;
  }
}

export interface ProcessCount {
  /** fork/vfork/clone without CLONE_THREAD (a new process), and execve after the shell's own. */
  processes: number;
  execs: string[];
  raw: string;
}

/** Run argv under strace -f and count the processes it creates (threads are not processes). */
export function straceCount(argv: string[], env: Record<string, string>, outFile: string): ProcessCount {
  const r = spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=clone,clone3,fork,vfork,execve', '-o', outFile, ...argv], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`strace ${argv[0]} failed (${r.status}): ${r.stderr}`);
  const raw = readFileSync(outFile, 'utf8');
  let processes = 0;
  const execs: string[] = [];
  let first = true;
  for (const line of raw.split('\n')) {
    if (/\b(v?fork)\(/.test(line) && !/resumed/.test(line)) processes++;
    else if (/\bclone3?\(/.test(line) && !/CLONE_THREAD/.test(line) && !/resumed/.test(line)) processes++;
    else if (/\bexecve\(/.test(line)) {
      if (first) first = false;
      else execs.push(line);
    }
  }
  return { processes, execs, raw };
}

