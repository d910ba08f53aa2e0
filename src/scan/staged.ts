// `--staged`: scan what is about to be committed — the blobs in the index, not the working
// tree (a file fixed on disk but still staged with a key is refused). Two git processes:
// the list of added/copied/modified/renamed paths, then one `cat-file --batch` for all blobs.
import { spawnSync } from 'node:child_process';
import { UserError } from '../core/errors.js';
import { decodeSource, tooLarge } from './decode.js';
import { credentialUsePattern } from './prefilter.js';
import type { ScanSettings } from './settings.js';
import type { SourceFile } from './types.js';

const MAX_OUTPUT = 1024 * 1024 * 1024;

function git(cwd: string, args: string[], input?: string, okCodes: number[] = []): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: MAX_OUTPUT });
  if (r.status !== null && okCodes.includes(r.status)) return r.stdout;
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(missing ? '"--staged" needs git, which is not installed.' : `git failed: ${r.error.message}.`, 'Install git, or scan files and directories instead of the index.');
  }
  if (r.status !== 0) {
    const why = r.stderr.toString('utf8').trim().split('\n')[0] ?? '';
    throw new UserError(`"--staged" could not read the git index: ${why.replace(/\.$/, '')}.`, 'Run it inside a git work tree, or scan files and directories instead.');
  }
  return r.stdout;
}

/** Staged paths (relative to the repository root, as git prints them) that the config includes. */
export function stagedPaths(cwd: string, settings: ScanSettings): string[] {
  const out = git(cwd, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR']).toString('utf8');
  return out.split('\0').filter((p) => p !== '' && settings.include.matches(p) && !settings.exclude.matches(p));
}

export function readStaged(cwd: string, settings: ScanSettings): SourceFile[] {
  const paths = stagedPaths(cwd, settings);
  return paths.length === 0 ? [] : readIndexBlobs(cwd, paths, settings.maxFileBytes);
}

/**
 * The other Terraform files of the given module directories, from the index, that may assign
 * one of `names` to a credential attribute: the context in which a staged `variable` default
 * reaches a provider that is not staged. One `git grep` narrows them down first.
 */
export function stagedSiblings(cwd: string, dirs: string[], names: string[], maxBytes: number): SourceFile[] {
  // `glob` magic: `*` stays inside one directory; `top`: paths from the repository root
  const specs = dirs.flatMap((dir) => {
    const prefix = dir === '.' ? '' : `${dir.replace(/[*?[\]\\]/g, '\\$&')}/`;
    return [`:(top,glob)${prefix}*.tf`, `:(top,glob)${prefix}*.tf.json`];
  });
  const args = ['grep', '--cached', '-l', '-z', '--full-name', '-E', credentialUsePattern(names), '--', ...specs];
  const listed = git(cwd, args, undefined, [1]).toString('utf8'); // exit 1: nothing matched
  const paths = listed.split('\0').filter((p) => p !== '');
  return paths.length === 0 ? [] : readIndexBlobs(cwd, paths, maxBytes);
}

/** Stage-0 blobs of the index, through one `git cat-file --batch`. */
function readIndexBlobs(cwd: string, paths: string[], maxBytes: number): SourceFile[] {
  const batchable = paths.filter((p) => !p.includes('\n'));
  const files: SourceFile[] = paths.filter((p) => p.includes('\n')).map((path) => ({ path, skipped: 'a newline in its name cannot be read from the index' }));
  // `:path` names the stage-0 blob; git resolves it from the repository root.
  const batch = git(cwd, ['cat-file', '--batch'], batchable.map((p) => `:${p}\n`).join(''));
  let pos = 0;
  for (const path of batchable) {
    const eol = batch.indexOf(10, pos);
    if (eol === -1) break;
    const line = batch.toString('utf8', pos, eol);
    const header = line.split(' ');
    pos = eol + 1;
    if (/ (?:missing|ambiguous)$/.test(line) || header.length !== 3) {
      files.push({ path, skipped: 'not found in the index' });
      continue;
    }
    const size = Number(header[2]);
    const blob = batch.subarray(pos, pos + size);
    pos += size + 1; // content is followed by a newline
    if (header[1] !== 'blob') files.push({ path, skipped: `a ${header[1]} in the index, not a file` });
    else if (size > maxBytes) files.push(tooLarge(path, size, maxBytes));
    else files.push(decodeSource(path, blob));
  }
  return files;
}
