// credguard configuration through cosmiconfig: `credguard` in package.json, `.credguardrc*`,
// `credguard.config.*`. Each feature owns its section and its defaults (starship-style) and
// validates it with `readSection`; this module only finds and loads the raw object.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';

export interface LoadedConfig {
  /** The raw object, `{}` when there is no config file. */
  raw: Record<string, unknown>;
  /** Path of the file it came from, for error messages. */
  filepath: string | undefined;
}

const RC_NAMES = [
  '.credguardrc',
  '.credguardrc.json',
  '.credguardrc.yaml',
  '.credguardrc.yml',
  '.credguardrc.js',
  '.credguardrc.cjs',
  '.credguardrc.mjs',
  'credguard.config.js',
  'credguard.config.cjs',
  'credguard.config.mjs',
  '.config/credguardrc',
  '.config/credguardrc.json',
  '.config/credguardrc.yaml',
  '.config/credguardrc.yml',
];

const EMPTY: LoadedConfig = { raw: {}, filepath: undefined };

/**
 * Cheap pre-check: is there any candidate config between cwd and the filesystem root?
 * cosmiconfig costs tens of milliseconds to import, which a clean `scan` in a pre-commit hook
 * cannot afford, so it is only loaded when a candidate file exists.
 */
function hasCandidate(cwd: string): boolean {
  let dir = cwd;
  for (;;) {
    for (const name of RC_NAMES) if (existsSync(join(dir, name))) return true;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        // A top-level "credguard" key, not a dependency on credguard.
        const json: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
        if (typeof json === 'object' && json !== null && Object.prototype.hasOwnProperty.call(json, 'credguard')) return true;
      } catch {
        // unreadable package.json: cosmiconfig would fail the same way; treat as no config
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  if (!explicitPath && !hasCandidate(cwd)) return EMPTY;
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('credguard', { searchStrategy: 'global' });
  let result;
  try {
    result = explicitPath ? await explorer.load(explicitPath) : await explorer.search(cwd);
  } catch (err) {
    const where = explicitPath ?? (err as { filepath?: string }).filepath ?? 'the credguard config';
    throw new UserError(`Could not read ${where}: ${firstLine((err as Error).message)}.`, 'Fix the syntax, or remove the file to use the defaults.');
  }
  if (!result || result.isEmpty) return { raw: {}, filepath: result?.filepath };
  if (typeof result.config !== 'object' || result.config === null || Array.isArray(result.config)) {
    throw new UserError(`${result.filepath}: the config must be an object.`, 'See the README for the keys credguard understands.');
  }
  return { raw: result.config as Record<string, unknown>, filepath: result.filepath };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/\.$/, '');
}

type Primitive = string | number | boolean;
type SectionShape = Record<string, Primitive | Primitive[] | Record<string, unknown> | undefined>;

/**
 * Validate one section against its defaults: every key must be known and of the default's type.
 * Nested objects are passed through for the feature to check. Errors name the file and the key.
 */
export function readSection<T extends SectionShape>(config: LoadedConfig, name: string, defaults: T): T {
  const value = config.raw[name];
  if (value === undefined) return { ...defaults };
  const where = config.filepath ?? 'config';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${where}: "${name}" must be an object.`, `Use for example { "${name}": { … } }.`);
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in defaults)) {
      throw new UserError(`${where}: unknown key "${name}.${key}".`, `Known keys of "${name}": ${Object.keys(defaults).join(', ')}.`);
    }
    const expected = defaults[key];
    if (expected !== undefined && !sameType(expected, v)) {
      throw new UserError(`${where}: "${name}.${key}" must be ${describe(expected)}, got ${JSON.stringify(v)}.`);
    }
    out[key] = v;
  }
  return out as T;
}

function sameType(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.every((item) => typeof item === 'string');
  if (typeof expected === 'number') return typeof actual === 'number' && Number.isFinite(actual) && actual >= 0;
  if (typeof expected === 'object' && expected !== null) return typeof actual === 'object' && actual !== null && !Array.isArray(actual);
  return typeof actual === typeof expected;
}

function describe(expected: unknown): string {
  if (Array.isArray(expected)) return 'a list of strings';
  if (typeof expected === 'number') return 'a non-negative number';
  if (typeof expected === 'object') return 'an object';
  return `a ${typeof expected}`;
}

/** Known top-level sections; anything else is a typo worth reporting. */
export const KNOWN_SECTIONS = ['cache', 'sts', 'prompt', 'scan', 'envCheck', 'doctor'] as const;

export function checkTopLevel(config: LoadedConfig): void {
  for (const key of Object.keys(config.raw)) {
    if (!(KNOWN_SECTIONS as readonly string[]).includes(key)) {
      throw new UserError(`${config.filepath ?? 'config'}: unknown section "${key}".`, `Known sections: ${KNOWN_SECTIONS.join(', ')}.`);
    }
  }
}
