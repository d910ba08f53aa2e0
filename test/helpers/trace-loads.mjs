// Test-only preload (node --import): records every module the process loads into the file
// named by $CREDGUARD_TEST_TRACE_OUT — ESM resolutions through a module.register() resolve
// hook, CommonJS modules from require.cache at exit (the CJS loader fills it whether the
// module was require()d or imported from ESM), and credguard's own bundles from the registry
// of bin/credguard.js, which loads them itself (through a V8 code cache) as `bundle <path>`.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.CREDGUARD_TEST_TRACE_OUT;
if (out) {
  register(new URL('./trace-hooks.mjs', import.meta.url), { data: { out } });
  process.on('exit', () => {
    const bundles = globalThis[Symbol.for('credguard.bundles')];
    const lines = [...Object.keys(Module._cache).map((p) => `cjs ${p}`), ...[...(bundles?.keys() ?? [])].map((p) => `bundle ${p}`)];
    appendFileSync(out, lines.map((l) => `${l}\n`).join(''));
  });
}
