// What the benchmarks share: where the CLI is, a clean environment for timed Node processes,
// wall and CPU time of one process, medians. (bench/run.ts runs bench/*.ts only, not lib/.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'credguard.js');

/**
 * PATH, HOME and NO_COLOR only. NODE_EXTRA_CA_CERTS is never passed on: on the development
 * machine it adds ~90 ms of CA loading to every Node start, which a user's machine lacks.
 */
export function nodeEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1', ...extra };
}

/** Wall time of one process, in ms. A process that cannot be started is an error. */
export function wallMs(argv: string[], env: Record<string, string>, cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { env, cwd, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return ms;
}

/** user+sys CPU of one process from /usr/bin/time (10 ms resolution), or undefined. */
export function cpuMs(argv: string[], env: Record<string, string>, cwd: string): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { env, cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr ?? '');
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The bin runs the bundles in dist/bundle/: without a build there is nothing to time. */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/bundle is missing: run `npm run build` (or `npm run bench`, which builds) first.');
}

export interface TimedCase {
  name: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface RoundRobin {
  /** Median wall time per case, ms. */
  wall: number[];
  /** Median user+sys CPU per case, ms (undefined without /usr/bin/time or with `cpu: false`). */
  cpu: Array<number | undefined>;
}

/**
 * Fast commands timed round-robin after `warmup` rounds: on a shared machine the load moves
 * from second to second, and a ratio (credguard ÷ `node -e 0`) is fair only when both sides
 * see the same load. With `cpu`, each round also runs every case once under /usr/bin/time.
 */
export function roundRobin(cases: TimedCase[], rounds: number, opts: { warmup?: number; cpu?: boolean } = {}): RoundRobin {
  for (let i = 0; i < (opts.warmup ?? 3); i++) for (const c of cases) wallMs(c.argv, c.env, c.cwd);
  const wall = cases.map(() => [] as number[]);
  const cpu = cases.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    cases.forEach((c, k) => wall[k]?.push(wallMs(c.argv, c.env, c.cwd)));
    if (opts.cpu === false) continue;
    cases.forEach((c, k) => {
      const ms = cpuMs(c.argv, c.env, c.cwd);
      if (ms !== undefined) cpu[k]?.push(ms);
    });
  }
  return { wall: wall.map(median), cpu: cpu.map((xs) => (xs.length ? median(xs) : undefined)) };
}

/** The `| command | wall median | × base | CPU median | × base |` table; the first case is the base. */
export function ratioTable(cases: TimedCase[], r: RoundRobin): string[] {
  const base = r.wall[0] ?? NaN;
  const baseCpu = r.cpu[0];
  return [
    '| command | wall median | × node -e 0 | user+sys CPU median | × node -e 0 |',
    '|---|---:|---:|---:|---:|',
    ...cases.map((c, k) => {
      const w = r.wall[k] ?? NaN;
      const cm = r.cpu[k];
      return `| \`${c.name}\` | ${w.toFixed(1)} ms | ${(w / base).toFixed(2)}× | ${cm === undefined ? 'n/a' : `${cm.toFixed(0)} ms`} | ${cm === undefined || !baseCpu ? 'n/a' : `${(cm / baseCpu).toFixed(2)}×`} |`;
    }),
  ];
}
