// Loader hooks for trace-loads.mjs: append each resolved URL to the trace file.
import { appendFileSync } from 'node:fs';

let out;

export function initialize(data) {
  out = data.out;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(out, `esm ${result.url}\n`);
  return result;
}
