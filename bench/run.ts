// Runs every benchmark in bench/ (each bench/*.ts except this file), one after the other:
//   npm run bench            (builds first)   or   node --import tsx bench/run.ts [name…]
// Names select benchmarks by file name without .ts. Exit 1 when a benchmark itself fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(DIR, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench/${name}.ts failed (exit ${r.status ?? r.signal})\n`);
  }
}
if (benches.length === 0) process.stdout.write(`no benchmark matches ${only.join(' ')}\n`);
process.exitCode = failed ? 1 : 0;
