// Test-only preload (node --import): records every module the process loads into the file
// named by $CREDGUARD_TEST_TRACE_OUT — ESM resolutions through a module.register() resolve
// hook, CommonJS modules from require.cache at exit (the CJS loader fills it whether the
// module was require()d or imported from ESM).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.CREDGUARD_TEST_TRACE_OUT;
if (out) {
  register(new URL('./trace-hooks.mjs', import.meta.url), { data: { out } });
  process.on('exit', () => {
    appendFileSync(out, Object.keys(Module._cache).map((p) => `cjs ${p}\n`).join(''));
  });
}
