// An in-memory Context: env, files and clock injected, nothing read from the real machine.
import type { Context, FileRead } from '../../src/core/context.js';

export const HOME = '/home/tester';
export const NOW = Date.parse('2026-11-27T12:00:00Z');

export function fakeCtx(opts: { env?: Record<string, string>; files?: Record<string, string>; now?: number; unreadable?: string[] } = {}): Context {
  const files = new Map(Object.entries(opts.files ?? {}).map(([p, t]) => [p.replace(/^~\//, `${HOME}/`), t]));
  const unreadable = new Set((opts.unreadable ?? []).map((p) => p.replace(/^~\//, `${HOME}/`)));
  return {
    env: { HOME, ...(opts.env ?? {}) },
    home: HOME,
    cwd: '/work/project',
    now: () => opts.now ?? NOW,
    readFile: (path: string): FileRead => {
      if (unreadable.has(path)) return { ok: false, missing: false, error: 'is not readable (permission denied)' };
      const text = files.get(path);
      return text === undefined ? { ok: false, missing: true, error: 'does not exist' } : { ok: true, text, mtimeMs: 0 };
    },
    listDir: (dir: string) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/')).map((p) => p.slice(dir.length + 1)),
  };
}

/** Fake keys of the right shape — never real credentials. */
export const KEYS = {
  a: { id: 'AKIAY7QZ3M4NB2XK5TRW', secret: 'q8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kLm' },
  b: { id: 'AKIAZ4RT6WQ2MN3BX7LP', secret: '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' },
  session: { id: 'ASIAQ5WZ2HN7LRX3D4KM', secret: 'Zr7+Xk2/Lm9qW4eT6yU8iO0pA3sD5fG7hJ9kL1zx', token: 'IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQDfakefakefakeTOKENvalue0123456789' },
};

/** A credentials-file section holding static keys. */
export function staticIni(name: string, k: { id: string; secret: string }): string {
  return `[${name}]\naws_access_key_id = ${k.id}\naws_secret_access_key = ${k.secret}\n`;
}

/** ~/.aws/credentials with a [default] (keys a) and a [prod] (keys b) profile. */
export const DEFAULT_AND_PROD_CREDS = `${staticIni('default', KEYS.a)}\n${staticIni('prod', KEYS.b)}`;
