// Synchronous, on-first-use access to a Node built-in from ES module code. Some built-ins
// cost milliseconds to load (node:crypto; node:os and node:module pull in more of Node), and
// env-check and a clean scan need none of them. In the CommonJS bundles (scripts/bundle.mjs)
// this file is replaced by the bundle's own `require`, so node:module is not loaded either.
import { createRequire } from 'node:module';

export const builtin: (id: string) => unknown = createRequire(import.meta.url);
