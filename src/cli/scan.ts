// `credguard scan`: refuse Terraform files that hard-code AWS credentials (pre-commit guard).
// Kept light on purpose: a clean commit loads no AWS SDK, no HCL parser and, without a config
// file, no cosmiconfig. The lexer, rules and formatters are imported only when some file can
// hold a finding (see scan/prefilter.ts): every module costs startup time in a git hook.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTopLevel, loadConfig } from '../core/config.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { declaresDefaults, nothingToReport } from '../scan/prefilter.js';
import { scanSettings, type ScanSettings } from '../scan/settings.js';
import type { ContextLoader } from '../scan/engine.js';
import type { ScanReport, SourceFile } from '../scan/types.js';
import { packageVersion } from '../core/package.js';
import type { Cli } from './io.js';

const HELP = `credguard scan — refuse Terraform files that hard-code AWS credentials

Usage:
  credguard scan [options] [path ...]    scan files / directories (default: the current directory)
  credguard scan --staged [options]      scan the staged blobs (what the commit will contain)

Options:
  --staged             read the files from the git index instead of the working tree
  -f, --format <fmt>   text (default), json or sarif
  -c, --config <file>  use this config file instead of searching for one
                       (also CREDGUARD_CONFIG=<file>)
  -h, --help           show this help

Rules: aws-provider-static-credentials, aws-backend-static-credentials,
  aws-credentials-in-variable-default, aws-credentials-in-tfvars, aws-access-key-id,
  aws-secret-access-key.
Suppress a finding with "# credguard:ignore [rule[,rule]] [-- reason]" at the end of its line
or alone on the line above. Secrets are always masked in the output.

Exit codes: 0 clean, 1 findings (commit refused), 2 usage or input error.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      staged: { type: 'boolean', default: false },
      format: { type: 'string', short: 'f', default: 'text' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    cli.out(HELP);
    return EXIT_OK;
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    throw new UserError(`unknown format "${values.format}".`, 'Use --format text, json or sarif.');
  }
  if (values.staged && positionals.length > 0) {
    throw new UserError('--staged reads the git index and takes no paths.', 'Drop the paths, or drop --staged to scan them from the working tree.');
  }
  const explicit = values.config ?? (cli.env['CREDGUARD_CONFIG'] || undefined);
  const config = await loadConfig(cli.cwd, explicit === undefined ? undefined : resolve(cli.cwd, explicit));
  checkTopLevel(config);
  const settings = scanSettings(config);

  const sources = values.staged ? await readIndex(cli.cwd, settings) : await readWorkTree(cli.cwd, positionals, settings);
  const context = await contextLoader(cli.cwd, values.staged ?? false, positionals, settings);
  const report =
    nothingToReport(sources) && !(context && declaresDefaults(sources))
      ? { findings: [], warnings: [], filesScanned: sources.length }
      : (await import('../scan/engine.js')).scanSources(sources, settings, context);
  await print(report, format, cli);
  return report.findings.some((f) => !f.suppression) ? EXIT_FINDINGS : EXIT_OK;
}

async function readIndex(cwd: string, settings: ScanSettings): Promise<SourceFile[]> {
  const { readStaged } = await import('../scan/staged.js');
  return readStaged(cwd, settings);
}

async function readWorkTree(cwd: string, operands: string[], settings: ScanSettings): Promise<SourceFile[]> {
  const { collectPaths, readSource } = await import('../scan/files.js');
  return collectPaths(cwd, operands, settings).map((p) => readSource(p.abs, p.path, settings.maxFileBytes));
}

/**
 * A scan of some files of a module (the index, or files pre-commit names) reads the rest of
 * the module for variable references; a directory walk already has every file.
 */
async function contextLoader(cwd: string, staged: boolean, operands: string[], settings: ScanSettings): Promise<ContextLoader | undefined> {
  if (staged) {
    const { stagedSiblings } = await import('../scan/staged.js');
    return (dirs, names) => stagedSiblings(cwd, dirs, names, settings.maxFileBytes);
  }
  const namesFiles = operands.some((op) => {
    try {
      return !statSync(resolve(cwd, op)).isDirectory();
    } catch {
      return false;
    }
  });
  if (!namesFiles) return undefined;
  const { diskSiblings } = await import('../scan/files.js');
  return (dirs, names) => diskSiblings(cwd, dirs, names, settings.maxFileBytes);
}

async function print(report: ScanReport, format: Format, cli: Cli): Promise<void> {
  if (format === 'json') {
    const { formatJson } = await import('../scan/format-json.js');
    cli.out(formatJson(report));
    return;
  }
  if (format === 'sarif') {
    const { formatSarif } = await import('../scan/format-sarif.js');
    cli.out(formatSarif(report, packageVersion()));
    return;
  }
  if (report.findings.length === 0 && report.warnings.length === 0 && !cli.stdoutIsTTY) return; // hooks stay silent
  const { formatClean, formatText } = await import('../scan/format-text.js');
  const { out, err } = formatText(report);
  if (err) cli.err(err);
  if (out) cli.out(out);
  else if (cli.stdoutIsTTY) cli.out(formatClean(report));
}

