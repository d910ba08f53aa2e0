// Shared helpers of the scan tests: run the scanner in-process over a directory, make temp repos.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { scanSources } from '../../src/scan/engine.js';
import { collectPaths, readSource } from '../../src/scan/files.js';
import { defaultSettings, type ScanSettings } from '../../src/scan/settings.js';
import type { ScanReport } from '../../src/scan/types.js';
import { ROOT } from '../helpers/cli.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'scan');

export function scanDir(dir: string, settings: ScanSettings = defaultSettings()): ScanReport {
  const files = collectPaths(dir, [], settings).map((p) => readSource(p.abs, p.path, settings.maxFileBytes));
  return scanSources(files, settings);
}

/** A scan of in-memory files: `{ 'main.tf': '…' }`. */
export function scanTexts(files: Record<string, string>, settings: ScanSettings = defaultSettings()): ScanReport {
  return scanSources(Object.entries(files).map(([path, text]) => ({ path, text })), settings);
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `credguard-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: gitEnv() });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * A HOME of this test process's own (removed at exit): credguard keeps its cache there (code
 * cache included), and a shared one would let one run's leftovers change another's result.
 */
let home: string | undefined;
export function testHome(): string {
  if (!home) {
    const dir = mkdtempSync(join(tmpdir(), 'credguard-test-home-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return home;
}

/** A git identity and no user/system config, so commits work on any machine. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: testHome(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    NO_COLOR: '1',
    ...extra,
  };
}

export function initRepo(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
}

export const LEAKING_PROVIDER = `provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAY7QZ3M4NB2XK5TRW"
  secret_key = "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"
}
`;

export const CLEAN_PROVIDER = `provider "aws" {
  region  = "us-east-1"
  profile = "deploy"
}
`;

/** Raw secrets used by the fixtures: none may ever appear in any output. */
export const RAW_SECRETS = [
  'AKIAY7QZ3M4NB2XK5TRW',
  'q8Hf3kLm9ZxV2bN7cR1tY6uI0oP4aS5dG8hJ2kLm',
  'ASIAQ5WZ2HN7LRX3D4KM',
  'Zr7+Xk2/Lm9qW4eT6yU8iO0pA3sD5fG7hJ9kL1zx',
  'AKIAZ4RT6WQ2MN3BX7LP',
  'Pq2Wm7Xn4Bz9Ck3Lv8Dr5Ts1Fy6Hu0Jg2Ke9Mb4N',
  'IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQDfakefakefakeTOKENvalue0123456789abcdefABCDEF',
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlZmFrZQ',
];
