// The speed design, asserted: `scan` never loads the AWS SDK, hcl2-json-parser or cosmiconfig
// (without a config file), on a clean commit or a leaking one. (The command is one bundle, so
// the lazy loading of credguard's own lexer inside it is not visible here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { needs } from '../helpers/integration.js';
import { CLEAN_PROVIDER, LEAKING_PROVIDER, git, gitEnv, initRepo, tempDir } from './helpers.js';

const PRELOAD = new URL('../helpers/trace-loads.mjs', import.meta.url).pathname;
const HEAVY = /@aws-sdk\/|@smithy\/|hcl2-json-parser|cosmiconfig/;

function loadedModules(cwd: string, args: string[]): { code: number; loaded: string[] } {
  const trace = join(cwd, '..', 'trace.txt');
  rmSync(trace, { force: true });
  const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, 'scan', ...args], { cwd, env: gitEnv({ CREDGUARD_TEST_TRACE_OUT: trace }), encoding: 'utf8' });
  // Lines are `esm <url>`, `cjs <path>` or `bundle <path>`: keep the module name only.
  return { code: r.status ?? -1, loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^(esm|cjs|bundle) /, '')) };
}

test('scan --staged loads no AWS SDK, no hcl2-json-parser, no cosmiconfig', { skip: needs('git') }, () => {
  const { dir, cleanup } = tempDir('startup');
  try {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    initRepo(repo);
    writeFileSync(join(repo, 'main.tf'), CLEAN_PROVIDER);
    writeFileSync(join(repo, 'vars.tf'), 'variable "region" {\n  default = "us-east-1"\n}\n');
    git(repo, 'add', '.');
    const clean = loadedModules(repo, ['--staged']);
    assert.equal(clean.code, 0);
    assert.ok(clean.loaded.some((l) => /\/dist\/.*scan\.js$/.test(l)), `the trace sees the scan command: ${clean.loaded.join(', ')}`);
    assert.deepEqual(clean.loaded.filter((l) => HEAVY.test(l)), []);

    // a leak runs the lexer and rules, and still loads nothing heavy
    writeFileSync(join(repo, 'leak.tf'), LEAKING_PROVIDER);
    git(repo, 'add', 'leak.tf');
    const leak = loadedModules(repo, ['--staged']);
    assert.equal(leak.code, 1);
    assert.deepEqual(leak.loaded.filter((l) => HEAVY.test(l)), []);
  } finally {
    cleanup();
  }
});
