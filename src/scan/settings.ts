// The `scan` section of the credguard config, validated against its defaults.
import { readSection, type LoadedConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { RULE_IDS, isRuleId, type RuleId } from './rule-ids.js';
import { GlobSet } from './glob.js';

export const SCAN_DEFAULTS = {
  /** Rules that run; the others are off. */
  rules: [...RULE_IDS] as string[],
  /** Files scanned when walking a directory or reading the index. */
  include: ['**/*.tf', '**/*.tf.json', '**/*.tfvars', '**/*.tfvars.json'] as string[],
  /** Never scanned, even when named on the command line. */
  exclude: ['**/.terraform/**'] as string[],
  /** Exact values that are not secrets (a revoked test key …): reported as suppressed. */
  allowlistValues: [] as string[],
  /** Globs of files whose findings are reported as suppressed. */
  allowlistPaths: [] as string[],
  /** Dummy credentials in a block that skips credential validation or targets localhost pass. */
  emulatorExemption: true,
  /** Larger files are skipped with a warning. */
  maxFileBytes: 10 * 1024 * 1024,
};

export interface ScanSettings {
  rules: ReadonlySet<RuleId>;
  include: GlobSet;
  exclude: GlobSet;
  allowlistValues: ReadonlySet<string>;
  allowlistPaths: GlobSet;
  emulatorExemption: boolean;
  maxFileBytes: number;
}

export function scanSettings(config: LoadedConfig): ScanSettings {
  const section = readSection(config, 'scan', SCAN_DEFAULTS);
  const unknown = section.rules.filter((r) => !isRuleId(r));
  if (unknown.length) {
    throw new UserError(`${config.filepath ?? 'config'}: unknown rule "${unknown.join('", "')}" in "scan.rules".`, `Known rules: ${RULE_IDS.join(', ')}.`);
  }
  return {
    rules: new Set(section.rules.filter(isRuleId)),
    include: new GlobSet(section.include),
    exclude: new GlobSet(section.exclude),
    allowlistValues: new Set(section.allowlistValues),
    allowlistPaths: new GlobSet(section.allowlistPaths),
    emulatorExemption: section.emulatorExemption,
    maxFileBytes: section.maxFileBytes,
  };
}

export function defaultSettings(): ScanSettings {
  return scanSettings({ raw: {}, filepath: undefined });
}
