// The two ways a commit reaches `credguard scan`: pre-commit (the real `pre-commit try-repo`
// installing this repository as a `language: node` hook) and the native `hooks/pre-commit`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { needs } from '../helpers/integration.js';
import { CLEAN_PROVIDER, LEAKING_PROVIDER, git, gitEnv, initRepo, tempDir } from './helpers.js';

function commit(cwd: string, env: Record<string, string>): { code: number; output: string } {
  const r = spawnSync('git', ['commit', '-qm', 'test'], { cwd, env, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

test('native hook (core.hooksPath): refuses a staged leak, scans the index not the working tree', { skip: needs('git') }, () => {
  const { dir, cleanup } = tempDir('native-hook');
  const env = gitEnv();
  try {
    initRepo(dir);
    git(dir, 'config', 'core.hooksPath', join(ROOT, 'hooks'));
    writeFileSync(join(dir, 'main.tf'), LEAKING_PROVIDER);
    git(dir, 'add', 'main.tf');
    let r = commit(dir, env);
    assert.notEqual(r.code, 0, 'the commit is refused');
    assert.match(r.output, /main\.tf:3:17 {2}aws-provider-static-credentials/);
    assert.doesNotMatch(r.output, /AKIAY7QZ3M4NB2XK5TRW/);

    // clean in the index, still leaking in the working tree: the commit goes through
    writeFileSync(join(dir, 'main.tf'), CLEAN_PROVIDER);
    git(dir, 'add', 'main.tf');
    writeFileSync(join(dir, 'main.tf'), LEAKING_PROVIDER);
    r = commit(dir, env);
    assert.equal(r.code, 0, r.output);
    assert.equal(git(dir, 'show', 'HEAD:main.tf'), CLEAN_PROVIDER);
  } finally {
    cleanup();
  }
});

test('native hook copied into .git/hooks finds credguard through CREDGUARD_BIN', { skip: needs('git') }, () => {
  const { dir, cleanup } = tempDir('copied-hook');
  const env = gitEnv({ CREDGUARD_BIN: join(ROOT, 'bin', 'credguard.js') });
  try {
    initRepo(dir);
    copyFileSync(join(ROOT, 'hooks', 'pre-commit'), join(dir, '.git', 'hooks', 'pre-commit'));
    writeFileSync(join(dir, 'secrets.auto.tfvars'), 'aws_secret_key = "q8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kLm"\n');
    git(dir, 'add', '.');
    const r = commit(dir, env);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /secrets\.auto\.tfvars:1:19 {2}aws-credentials-in-tfvars/);
  } finally {
    cleanup();
  }
});

/**
 * try-repo clones the repository and commits tracked changes only: while new files are not yet
 * committed (a developer's work tree), install from a snapshot of the work tree instead.
 */
function hookRepo(scratch: string): string {
  const untracked = git(ROOT, 'ls-files', '--others', '--exclude-standard');
  if (untracked.trim() === '') return ROOT;
  const snapshot = join(scratch, 'credguard-snapshot');
  const files = git(ROOT, 'ls-files', '-co', '--exclude-standard', '-z').split('\0').filter((f) => f && existsSync(join(ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(snapshot, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(snapshot, file));
  }
  initRepo(snapshot);
  git(snapshot, 'add', '-A');
  git(snapshot, 'commit', '-qm', 'snapshot of the work tree');
  return snapshot;
}

test('pre-commit try-repo: installs credguard-scan from this repo; clean commit passes, leaking one fails', { skip: needs('pre-commit', 'git'), timeout: 900_000 }, () => {
  const { dir, cleanup } = tempDir('pre-commit');
  try {
    const repo = hookRepo(dir);
    const work = join(dir, 'work');
    mkdirSync(work);
    initRepo(work);
    // the user's environment (npm cache, registry settings) with a private pre-commit store
    const env = { ...process.env, ...gitEnv(), HOME: process.env['HOME'] ?? dir, PRE_COMMIT_HOME: join(dir, 'pre-commit-home') } as Record<string, string>;
    const tryRepo = () => spawnSync('pre-commit', ['try-repo', repo, 'credguard-scan', '--verbose'], { cwd: work, env, encoding: 'utf8', timeout: 420_000 });
    // on failure, pre-commit's own log says why (an npm install that failed to build, …)
    const why = (r: { stdout: string; stderr: string }): string => {
      const log = join(env['PRE_COMMIT_HOME']!, 'pre-commit.log');
      return `${r.stdout}\n${r.stderr}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : ''}`;
    };

    mkdirSync(join(work, '.terraform', 'modules'), { recursive: true });
    writeFileSync(join(work, 'main.tf'), CLEAN_PROVIDER);
    writeFileSync(join(work, '.terraform', 'modules', 'vendored.tf'), LEAKING_PROVIDER); // excluded by the hook
    git(work, 'add', '-f', '.');
    let r = tryRepo();
    assert.equal(r.status, 0, why(r));
    assert.match(r.stdout, /credguard scan.*Passed/);

    writeFileSync(join(work, 'leak.tf'), LEAKING_PROVIDER);
    git(work, 'add', 'leak.tf');
    r = tryRepo();
    assert.equal(r.status, 1, why(r));
    assert.match(r.stdout, /credguard scan.*Failed/);
    assert.match(r.stdout, /leak\.tf:3:17 {2}aws-provider-static-credentials/);
    assert.doesNotMatch(r.stdout, /AKIAY7QZ3M4NB2XK5TRW/);
  } finally {
    cleanup();
  }
});
