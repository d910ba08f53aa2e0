// Pieces several commands share: load config and settings, render findings.
import { loadConfig, checkTopLevel, type LoadedConfig } from '../core/config.js';
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
