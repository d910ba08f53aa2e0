// Pieces several commands share: resolve the current context, load config, render findings.
import { loadConfig, checkTopLevel, type LoadedConfig } from '../core/config.js';
import { coreSettings, type CoreSettings } from '../core/identity.js';
import { resolveCredentials, type Resolution, type ResolveOptions } from '../core/resolve.js';
import type { Finding } from '../core/causes.js';
import { kleur } from '../core/ui.js';
import type { Cli } from './io.js';

export interface Loaded {
  config: LoadedConfig;
  settings: CoreSettings;
}

export async function loadSettings(cli: Cli): Promise<Loaded> {
  const config = await loadConfig(cli.cwd, cli.env['CREDGUARD_CONFIG'] || undefined);
  checkTopLevel(config);
  return { config, settings: coreSettings(config, cli.env) };
}

export function resolveHere(cli: Cli, opts: ResolveOptions = {}): Promise<Resolution> {
  return resolveCredentials(cli, opts);
}

const SEVERITY_MARK: Record<Finding['severity'], (s: string) => string> = {
  error: (s) => kleur.red(s),
  warn: (s) => kleur.yellow(s),
  info: (s) => kleur.dim(s),
};

export function renderFinding(f: Finding): string {
  const head = `${SEVERITY_MARK[f.severity](f.severity === 'error' ? '✗' : f.severity === 'warn' ? '!' : 'i')} ${f.message} ${kleur.dim(`[${f.cause}]`)}`;
  const lines = [head];
  if (f.evidence) lines.push(`    evidence: ${f.evidence}`);
  if (f.fix) lines.push(`    fix:      ${kleur.cyan(f.fix)}`);
  return lines.join('\n');
}
