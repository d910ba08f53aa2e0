// Test-only preload (node --import): records the modules a credguard process loads into the
// file named by $CREDGUARD_SCAN_TRACE (ESM through a resolve hook, CommonJS from require.cache).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.CREDGUARD_SCAN_TRACE;
if (out) {
  register(new URL('./trace-hooks.mjs', import.meta.url), { data: { out } });
  process.on('exit', () => appendFileSync(out, Object.keys(Module._cache).map((p) => `${p}\n`).join('')));
}
