// Pieces several commands share: load config and settings, the root module, Terraform's
// -var/-var-file.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, checkTopLevel, type LoadedConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { CliVar } from '../terraform/config.js';
import { coreSettings, type CoreSettings } from '../core/identity.js';
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

/** The root module `--dir` names (default: the current directory); a usage error when it is none. */
export function rootModule(cli: Cli, dir: string | undefined): string {
  const abs = resolve(cli.cwd, dir ?? '.');
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UserError(`${dir ?? abs}: not a directory.`, 'Point --dir (or terraform -chdir) at the Terraform root module.');
  return abs;
}

/** parseArgs options for Terraform's -var / -var-file (doctor, check); read with cliVarsFrom. */
export const VAR_OPTIONS = {
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
} as const;

/** The option tokens of parseArgs({ tokens: true }) that carry a value. */
interface OptionToken {
  kind: string;
  name?: string;
  value?: string | undefined;
}

/**
 * `--var NAME=VALUE` and `--var-file FILE` (Terraform's -var and -var-file) in the order given:
 * later wins, as in Terraform. Files are relative to `base`, the root module (--dir), as
 * Terraform's are to -chdir.
 */
export function cliVarsFrom(tokens: readonly OptionToken[], base: string): CliVar[] {
  const out: CliVar[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (t.name === 'var-file') out.push({ kind: 'file', path: resolve(base, t.value) });
    else if (t.name === 'var') out.push(cliVar(t.value, '--var'));
  }
  return out;
}

/** `NAME=VALUE` → a -var. The value may be a secret: an error never repeats it. */
export function cliVar(arg: string, flag: string): CliVar {
  const eq = arg.indexOf('=');
  const name = eq === -1 ? '' : arg.slice(0, eq);
  if (!name) throw new UserError(`${flag} needs NAME=VALUE; ${eq === -1 ? 'one has no "="' : 'one has an empty NAME'}.`, `For example: ${flag} 'region=eu-west-1'`);
  return { kind: 'var', name, value: arg.slice(eq + 1) };
}
