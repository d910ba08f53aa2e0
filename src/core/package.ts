// Where credguard itself is installed: the shell scripts, hooks and version live there.
// Works from dist/core/package.js, from the bundled dist/credguard.cjs and from src/ under tsx,
// by walking up to the package.json named "credguard".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function locate(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === 'credguard') return (cached = { root: dir, version: json.version ?? '0.0.0' });
      } catch {
        // not ours: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return (cached = { root: dirname(dirname(fileURLToPath(import.meta.url))), version: '0.0.0' });
    dir = parent;
  }
}

/** Absolute path of the package root, without a trailing slash. */
export function packageRoot(): string {
  return locate().root;
}

export function packageVersion(): string {
  return locate().version;
}
