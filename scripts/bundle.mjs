// Bundle the CLI for startup speed: dist/bundle/main.js (the dispatcher) plus one file per
// command, each holding only what that command needs. A pre-commit `scan`, the direnv check
// and the prompt's refresh pay Node's startup on every run; one CommonJS file per command
// loads several times faster than ~30 ES modules (measured: README, "Benchmarks").
// The AWS SDK, the INI loader, cosmiconfig and hcl2-json-parser stay external: they are
// loaded lazily, and the INI loader must be the very instance fromIni uses.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';

/**
 * Two start-up costs that only exist in a bundle's view of the sources, removed at build time:
 * - src/core/builtin.ts reaches built-ins through node:module's createRequire; a CommonJS
 *   bundle has `require` already, and loading node:module pulls in Node's ESM loader (~1 ms).
 * - kleur probes `process.stdout.isTTY` when it loads, and the first touch of process.stdout
 *   builds Node's stream stack (~3 ms). The CLI decides colour itself (src/core/ui.ts,
 *   setColor, before any output), so the probe is replaced by `false`.
 */
const startupCosts = {
  name: 'startup-costs',
  setup(b) {
    b.onResolve({ filter: /\/builtin\.js$/ }, (args) =>
      /[\\/]src[\\/]core[\\/]/.test(args.importer) ? { path: 'builtin', namespace: 'credguard-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'credguard-builtin' }, () => ({
      contents: 'exports.builtin = (id) => require(id);',
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]kleur[\\/]index\.mjs$/ }, (args) => {
      const probe = 'isTTY = process.stdout && process.stdout.isTTY;';
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(probe)) throw new Error(`kleur changed: "${probe}" is not in ${args.path}; review scripts/bundle.mjs`);
      return { contents: text.replace(probe, 'isTTY = false;'), loader: 'js' };
    });
  },
};

const commands = readdirSync('src/cli')
  .filter((f) => f.endsWith('.ts') && !['main.ts', 'io.ts', 'shared.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''));

mkdirSync('dist/bundle', { recursive: true });
// The bundles are CommonJS; the package is "type": "module".
writeFileSync('dist/bundle/package.json', '{ "type": "commonjs" }\n');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  plugins: [startupCosts],
  // import.meta.url, computed on use (package.ts, rarely): pathToFileURL costs ~0.4 ms per load.
  define: { 'import.meta.url': '__credguard.url' },
  // Turn import() into require(): an import() of a CommonJS file goes through the ESM loader,
  // which lexes the whole file for its exports first (~15 ms for a command bundle).
  supported: { 'dynamic-import': false },
  banner: { js: "const __credguard = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
};

/** The SDK and the heavy parsers stay outside; so do the other commands' bundles. */
const externals = (inlined) => ['@aws-sdk/*', '@smithy/*', 'cosmiconfig', 'hcl2-json-parser', ...commands.filter((c) => c !== inlined).map((c) => `./${c}.js`)];

// dist/bundle/<command>.js is the dispatcher with that one command inlined, so that the bin
// (which picks the bundle from argv) loads a single file; it also exports what the command does
// (`run`, exec's use of check) for other bundles. main.js dispatches help, --version and
// unknown names.
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/bundle/main.js', external: externals(undefined) }),
  ...commands.map((c) =>
    build({
      ...common,
      stdin: { contents: `export * from './${c}.ts';\nexport { main, reportError } from './main.ts';\n`, resolveDir: 'src/cli', sourcefile: `src/cli/${c}-entry.ts`, loader: 'ts' },
      outfile: `dist/bundle/${c}.js`,
      external: externals(c),
    }),
  ),
]);
