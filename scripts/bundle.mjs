// Bundle the CLI for startup speed: dist/bundle/main.js (the dispatcher) plus one file per
// command, each holding only what that command needs. A pre-commit `scan`, the direnv check
// and the prompt's refresh pay Node's startup on every run; one CommonJS file per command
// loads several times faster than ~30 ES modules (measured: README, "Benchmarks").
// The AWS SDK, the INI loader, cosmiconfig and hcl2-json-parser stay external: they are
// loaded lazily, and the INI loader must be the very instance fromIni uses.
import { build } from 'esbuild';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';

const commands = readdirSync('src/cli')
  .filter((f) => f.endsWith('.ts') && !['main.ts', 'io.ts', 'shared.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''));

mkdirSync('dist/bundle', { recursive: true });
// The bundles are CommonJS; the package is "type": "module".
writeFileSync('dist/bundle/package.json', '{ "type": "commonjs" }\n');

await build({
  entryPoints: ['src/cli/main.ts', ...commands.map((c) => `src/cli/${c}.ts`)],
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // Commands are loaded by the dispatcher at run time, never inlined into it.
  external: ['@aws-sdk/*', '@smithy/*', 'cosmiconfig', 'hcl2-json-parser', ...commands.map((c) => `./${c}.js`)],
  define: { 'import.meta.url': '__credguard_url' },
  // Turn import() into require(): an import() of a CommonJS file goes through the ESM loader,
  // which lexes the whole file for its exports first (~15 ms for a command bundle).
  supported: { 'dynamic-import': false },
  banner: { js: "const __credguard_url = require('node:url').pathToFileURL(__filename).href;" },
});
