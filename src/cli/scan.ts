// `credguard scan`: refuse Terraform files that hard-code AWS credentials (pre-commit guard).
// Kept light on purpose: a clean commit loads no AWS SDK, no HCL parser and, without a config
// file, no cosmiconfig. The lexer, rules and formatters are imported only when some file can
// hold a finding (see scan/prefilter.ts): every module costs startup time in a git hook.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTopLevel, loadConfig } from '../core/config.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { declaredVariables, declaresDefaults, dirOf, firstLook, mayDeclareVariables, nothingToReport } from '../scan/prefilter.js';
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

  const partial = values.staged || namesFiles(cli.cwd, positionals);
  const sources = values.staged ? await readIndex(cli.cwd, settings) : await readWorkTree(cli.cwd, positionals, settings, partial);
  const context = partial ? remembered(await contextLoader(cli.cwd, values.staged ?? false, settings)) : undefined;
  const report =
    nothingToReport(sources) && !(context && declaresDefaults(sources) && reachesContext(sources, context))
      ? { findings: [], warnings: [], filesScanned: sources.length }
      : (await import('../scan/engine.js')).scanSources(sources, settings, context);
  await print(report, format, cli);
  return report.findings.some((f) => !f.suppression) ? EXIT_FINDINGS : EXIT_OK;
}

async function readIndex(cwd: string, settings: ScanSettings): Promise<SourceFile[]> {
  const { readStaged } = await import('../scan/staged.js');
  return readStaged(cwd, settings);
}

async function readWorkTree(cwd: string, operands: string[], settings: ScanSettings, partial: boolean): Promise<SourceFile[]> {
  const { collectPaths, readSource } = await import('../scan/files.js');
  const paths = collectPaths(cwd, operands, settings);
  const read = (i: number): SourceFile => readSource(paths[i]!.abs, paths[i]!.path, settings.maxFileBytes);
  if (partial) return paths.map((_, i) => read(i));
  // A walk keeps only what can matter (firstLook); variable declarations are read again only
  // next to a candidate, where one may reach its credential attribute.
  const files = paths.map((_, i) => firstLook(read(i)));
  const hot = new Set(files.filter((f) => f.candidate).map((f) => dirOf(f.path)));
  return hot.size === 0 ? files : files.map((f, i) => (f.reread && hot.has(dirOf(f.path)) ? read(i) : f));
}

/** Files named on the command line (pre-commit's form) make a partial scan of their modules. */
function namesFiles(cwd: string, operands: string[]): boolean {
  return operands.some((op) => {
    try {
      return !statSync(resolve(cwd, op)).isDirectory();
    } catch {
      return false;
    }
  });
}

/**
 * A scan of some files of a module (the index, or files pre-commit names) reads the rest of
 * the module for variable references; a directory walk already has every file.
 */
async function contextLoader(cwd: string, staged: boolean, settings: ScanSettings): Promise<ContextLoader> {
  if (staged) {
    const { stagedSiblings } = await import('../scan/staged.js');
    return (dirs, names) => stagedSiblings(cwd, dirs, names, settings.maxFileBytes);
  }
  const { diskSiblings } = await import('../scan/files.js');
  return (dirs, names) => diskSiblings(cwd, dirs, names, settings.maxFileBytes);
}

/**
 * A partial scan without a candidate file reports something only if a variable it declares
 * reaches a credential attribute in a file outside the scan. That is the engine's one question
 * to the loader (engine.ts, addContextRefs), asked here first so that the usual answer, none,
 * costs no lexer; `remembered` keeps the answer for the engine.
 */
function reachesContext(sources: SourceFile[], context: ContextLoader): boolean {
  const dirs = new Set<string>();
  const names = new Set<string>();
  for (const f of sources) {
    if (!mayDeclareVariables(f)) continue;
    for (const name of declaredVariables(f.text)) {
      dirs.add(dirOf(f.path));
      names.add(name);
    }
  }
  if (names.size === 0) return false;
  const scanned = new Set(sources.map((f) => f.path));
  return context([...dirs], [...names]).some((f) => f.text !== undefined && !scanned.has(f.path));
}

/** The same question is answered once: reading a module's files again, or running git, is not free. */
function remembered(load: ContextLoader): ContextLoader {
  const answers = new Map<string, SourceFile[]>();
  return (dirs, names) => {
    const key = JSON.stringify([[...dirs].sort(), [...names].sort()]);
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = load(dirs, names)));
    return answer;
  };
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

