// The shared config and credentials files, parsed by the AWS SDK's own loader
// (@smithy/shared-ini-file-loader) — no hand-written INI parser. We read the bytes ourselves
// through the injected Context (so tests inject files and unreadable files become findings),
// hand them to the loader through its documented interception hook, and lint the text for
// lines the loader would silently drop.
import { join } from 'node:path';
import type { Context } from './context.js';
import { cacheDir, openCache } from './cache.js';
import { fnv96 } from './hash.js';
import { expandHome } from './context.js';
import type { Finding } from './causes.js';

export type Section = Record<string, string | undefined>;

export interface AwsFiles {
  configPath: string;
  credentialsPath: string;
  /** Profiles from the config file (`[profile x]` → `x`, `[default]`). */
  config: Record<string, Section>;
  /** Profiles from the credentials file. */
  credentials: Record<string, Section>;
  /** `[sso-session x]` sections of the config file. */
  ssoSessions: Record<string, Section>;
  findings: Finding[];
}

export function sharedFilePaths(ctx: Context, override?: { config?: string; credentials?: string }): { configPath: string; credentialsPath: string } {
  const configPath = override?.config ?? ctx.env['AWS_CONFIG_FILE'] ?? join(ctx.home, '.aws', 'config');
  const credentialsPath = override?.credentials ?? ctx.env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(ctx.home, '.aws', 'credentials');
  return { configPath: expandHome(configPath, ctx.home), credentialsPath: expandHome(credentialsPath, ctx.home) };
}

export async function loadAwsFiles(ctx: Context, override?: { config?: string; credentials?: string }): Promise<AwsFiles> {
  const { configPath, credentialsPath } = sharedFilePaths(ctx, override);
  const findings: Finding[] = [];
  const configText = readForLoader(ctx, configPath, findings);
  const credentialsText = readForLoader(ctx, credentialsPath, findings);
  findings.push(...lintIni(configPath, configText), ...lintIni(credentialsPath, credentialsText));

  const parsed = (await cachedParse(ctx, configPath, configText, credentialsPath, credentialsText)) ?? (await parseWithSdk(ctx, configPath, configText, credentialsPath, credentialsText, findings));
  const config: Record<string, Section> = {};
  const ssoSessions: Record<string, Section> = {};
  for (const [name, section] of Object.entries(parsed.configFile)) {
    if (name.startsWith('sso-session.')) ssoSessions[name.slice('sso-session.'.length)] = section;
    else if (!name.includes('.') || name === 'default') config[name] = section;
    else if (!name.startsWith('services.')) config[name] = section;
  }
  return { configPath, credentialsPath, config, credentials: parsed.credentialsFile, ssoSessions, findings };
}

/**
 * Terraform (the Go SDK v2's INI reader) differs from the JS loader in two ways, settled
 * against the real `terraform` binary in test/terraform/e2e-harness.test.ts:
 *   - one pair of matching surrounding quotes is removed from a value (`"AKIA…"` works),
 *     unless the quoted text itself starts or ends with whitespace (then both keep it: fails);
 *   - setting names are case-insensitive (`AWS_ACCESS_KEY_ID = …` works).
 * Trailing blanks, CRLF and ` # comments` already behave the same in both.
 */
export function asTerraformReadsIt(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*)([^=\s[#;][^=]*?)(\s*=\s*)(.*?)(\s+[#;].*)?(\r?)$/.exec(line);
      if (!m) return line;
      const [, indent = '', key = '', eq = '', value = '', comment = '', cr = ''] = m;
      const q = /^(["'])(.*)\1$/.exec(value);
      const unquoted = q && !/^\s|\s$/.test(q[2] ?? '') ? (q[2] ?? '') : value;
      return `${indent}${key.toLowerCase()}${eq}${unquoted}${comment}${cr}`;
    })
    .join('\n');
}

type Parsed = { configFile: Record<string, Section>; credentialsFile: Record<string, Section> };

/** Hand the text, as Terraform reads it, to the SDK's loader: ours now, and fromIni's later. */
async function interceptFiles(files: Array<[string, string]>): Promise<typeof import('@smithy/shared-ini-file-loader')> {
  const loader = await import('@smithy/shared-ini-file-loader');
  for (const [path, text] of files) loader.externalDataInterceptor.interceptFile(path, asTerraformReadsIt(text));
  return loader;
}

async function parseWithSdk(ctx: Context, configPath: string, configText: string, credentialsPath: string, credentialsText: string, findings: Finding[]): Promise<Parsed> {
  const loader = await interceptFiles([[configPath, configText], [credentialsPath, credentialsText]]);
  let parsed: Parsed;
  try {
    parsed = (await loader.loadSharedConfigFiles({ filepath: credentialsPath, configFilepath: configPath, ignoreCache: true })) as Parsed;
  } catch (err) {
    findings.push({ cause: 'config', severity: 'error', file: configPath, message: `The AWS shared files could not be parsed: ${(err as Error).message}.` });
    return { configFile: {}, credentialsFile: {} };
  }
  writeParseCache(ctx, parseCacheKey(configPath, configText, credentialsPath, credentialsText), parsed);
  return parsed;
}

/**
 * Before the SDK reads the shared files itself (fromIni), make it see them as Terraform does.
 * Re-reads the files: the parse cache below never holds the text.
 */
export async function prepareSdkFiles(ctx: Context, paths: { configPath: string; credentialsPath: string }): Promise<void> {
  const text = (path: string): string => {
    const read = ctx.readFile(path);
    return read.ok && !read.text.includes('\u0000') ? read.text : '';
  };
  await interceptFiles([[paths.configPath, text(paths.configPath)], [paths.credentialsPath, text(paths.credentialsPath)]]);
}

// --- The parse cache -------------------------------------------------------------------------
// Loading the SDK's INI loader costs more than everything else env-check and the prompt's
// refresh do, so its parse of a given pair of files is kept in the credguard cache
// (identity/ini-<fingerprint>.json, 0600). Only settings the model reads and that are never
// secret are kept as they are; every other value (secret keys, tokens, credential_process
// command lines, a misspelt key holding a secret…) is replaced by a mask of the same shape —
// length, whitespace, quotes and CR kept, every other character "x" — which is all the model
// looks at for them. STS calls read the real files.

const PLAIN_KEYS = new Set([
  'region', 'role_arn', 'source_profile', 'credential_source', 'role_session_name', 'external_id',
  'duration_seconds', 'mfa_serial', 'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id',
  'sso_role_name', 'sso_registration_scopes', 'web_identity_token_file', 'output',
  'expiration', 'x_security_token_expires', 'aws_expiration', 'aws_session_expiration',
]);

/** Key ids are not secrets, but a secret pasted into the key id field must not be kept. */
function keepKeyId(value: string): string {
  const bare = value.replace(/[\s"']/g, '');
  return /^[A-Z0-9]{16,32}$/.test(bare) ? value : `${value.slice(0, 4)}${shapeOf(value.slice(4))}`;
}

function parseCacheKey(configPath: string, configText: string, credentialsPath: string, credentialsText: string): string {
  return fnv96(`${configPath}\u0000${configText}\u0000${credentialsPath}\u0000${credentialsText}`);
}

function shapeOf(value: string): string {
  return value.replace(/[^\s"'\r]/g, 'x');
}

function withoutSecrets(parsed: Parsed): Parsed {
  const clean = (file: Record<string, Section>): Record<string, Section> =>
    Object.fromEntries(Object.entries(file).map(([name, section]) => [
      name,
      Object.fromEntries(Object.entries(section).map(([k, v]) => [k, v === undefined || PLAIN_KEYS.has(k) ? v : k === 'aws_access_key_id' ? keepKeyId(v) : shapeOf(v)])),
    ]));
  return { configFile: clean(parsed.configFile), credentialsFile: clean(parsed.credentialsFile) };
}

function parseCachePath(ctx: Context, key: string): string {
  return join(cacheDir(ctx.env, ctx.home), 'identity', `ini-${key}.json`);
}

async function cachedParse(ctx: Context, configPath: string, configText: string, credentialsPath: string, credentialsText: string): Promise<Parsed | undefined> {
  if (!ctx.parseCache) return undefined;
  const read = ctx.readFile(parseCachePath(ctx, parseCacheKey(configPath, configText, credentialsPath, credentialsText)));
  if (!read.ok) return undefined;
  try {
    const json = JSON.parse(read.text) as Parsed;
    if (typeof json.configFile === 'object' && json.configFile && typeof json.credentialsFile === 'object' && json.credentialsFile) return json;
  } catch {
    // a damaged cache entry is simply re-parsed and rewritten
  }
  return undefined;
}

function writeParseCache(ctx: Context, key: string, parsed: Parsed): void {
  if (!ctx.parseCache) return;
  try {
    const store = openCache(cacheDir(ctx.env, ctx.home));
    const dir = store.dir('identity');
    for (const name of ctx.listDir(dir)) {
      if (name.startsWith('ini-') && name !== `ini-${key}.json`) store.remove(join(dir, name));
    }
    store.writeAtomic(join(dir, `ini-${key}.json`), JSON.stringify(withoutSecrets(parsed)));
  } catch {
    // best effort: an unusable cache directory is reported by the commands that need it
  }
}

function readForLoader(ctx: Context, path: string, findings: Finding[]): string {
  const read = ctx.readFile(path);
  if (read.ok) {
    if (read.text.includes('\u0000')) {
      findings.push({ cause: 'config', severity: 'error', file: path, message: `${path} is binary, not an INI file; it was ignored.`, fix: `Restore ${path} from a backup or recreate it with 'aws configure'.` });
      return '';
    }
    return read.text;
  }
  if (!read.missing) {
    findings.push({ cause: 'config', severity: 'error', file: path, message: `${path} ${read.error}; it was ignored.`, fix: `Check the file's permissions: ls -l ${path}` });
  }
  return '';
}

/** Lines the SDK's lenient parser would silently drop are reported, naming file and line. */
export function lintIni(path: string, text: string): Finding[] {
  const findings: Finding[] = [];
  let inSection = false;
  const lines = text.split(/\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) {
        findings.push(iniFinding(path, i + 1, `section header "${clip(trimmed)}" has no closing "]"`));
        inSection = false;
      } else {
        inSection = true;
        const name = trimmed.slice(1, -1).trim();
        if (name === '__proto__' || name === 'profile __proto__') {
          findings.push({ cause: 'config', severity: 'error', file: path, message: `${path}:${i + 1}: the section name "${name}" makes the AWS SDK reject the whole file.`, fix: `Rename the section in ${path}.` });
        }
      }
      continue;
    }
    if (!inSection) {
      findings.push(iniFinding(path, i + 1, 'a setting appears before any [section] header'));
      continue;
    }
    const eq = trimmed.indexOf('=');
    // The line's text is not echoed: a mangled line may well hold a secret.
    if (eq <= 0 && !/^\s/.test(line)) findings.push(iniFinding(path, i + 1, 'this line is not a "key = value" setting'));
  }
  return findings;
}

function iniFinding(path: string, line: number, what: string): Finding {
  return { code: 'ini-line-ignored', cause: 'config', severity: 'warn', file: path, message: `${path}:${line}: ${what}; the AWS tools ignore it.`, fix: `Edit ${path} line ${line}.` };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
