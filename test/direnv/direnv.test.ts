// `use credguard` under the real direnv, driven as a user would: a fake HOME and XDG dirs in a
// temp dir, the library installed with `credguard init direnv`, `direnv allow`, then
// `direnv export`/`direnv exec`, and a real bash with `direnv hook bash` that cds in and out.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { needs } from '../helpers/integration.js';
import { KEYS } from '../helpers/fakectx.js';

const skip = needs('direnv', 'bash');
const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const STALE = { AWS_ACCESS_KEY_ID: KEYS.a.id, AWS_SECRET_ACCESS_KEY: KEYS.a.secret };
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

interface World {
  root: string;
  home: string;
  project: string;
  outside: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
  envrc: (text: string) => void;
  direnv: (args: string[], extra?: Record<string, string>, cwd?: string) => { code: number; stdout: string; stderr: string };
}

function world(): World {
  const root = mkdtempSync(join(tmpdir(), 'credguard-direnv-'));
  roots.push(root);
  const home = join(root, 'home');
  const project = join(root, 'work', 'project');
  const outside = join(root, 'work');
  const bin = join(root, 'bin');
  for (const d of [join(home, '.aws'), project, bin, join(root, 'config', 'direnv', 'lib'), join(root, 'data'), join(root, 'cache')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, '.aws', 'credentials'), `[prod]\naws_access_key_id = ${KEYS.b.id}\naws_secret_access_key = ${KEYS.b.secret}\n`);
  writeFileSync(join(home, '.aws', 'config'), '[profile prod]\nregion = eu-west-1\n');
  // `credguard` on PATH, the way npm installs it.
  symlinkSync(BIN, join(bin, 'credguard'));
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    NO_COLOR: '1',
    ...extra,
  });
  // Install the library as the README says: credguard init direnv > ~/.config/direnv/lib/credguard.sh
  const lib = join(root, 'config', 'direnv', 'lib', 'credguard.sh');
  const init = runCli(['init', 'direnv'], { env: env() });
  if (init.code === 0 && init.stdout.includes('use_credguard')) writeFileSync(lib, init.stdout);
  else copyFileSync(join(ROOT, 'shell', 'credguard.direnv.sh'), lib);
  const direnv = (args: string[], extra: Record<string, string> = {}, cwd = project) => {
    const r = spawnSync('direnv', args, { cwd, env: env(extra), encoding: 'utf8', timeout: 30_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: stripAnsi(r.stderr ?? '') };
  };
  const envrc = (text: string): void => {
    writeFileSync(join(project, '.envrc'), text);
    const allowed = direnv(['allow', project]);
    assert.equal(allowed.code, 0, allowed.stderr);
  };
  return { root, home, project, outside, env, envrc, direnv };
}

/** `direnv export json`: the variables direnv would set (string) or unset (null). */
function exported(w: World, extra: Record<string, string>): { vars: Record<string, string | null>; stderr: string; code: number } {
  const r = w.direnv(['export', 'json'], extra);
  return { vars: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, string | null>) : {}, stderr: r.stderr, code: r.code };
}

const credguardLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /credguard/.test(l) && !/direnv: (using|loading)/.test(l));

describe('use credguard under direnv', { skip }, () => {
  test('stale env keys: a warning naming env-override and the variables; the rest of .envrc loads', () => {
    const w = world();
    w.envrc('export AWS_PROFILE=prod\nuse credguard --profile prod\nexport OTHER=1\n');
    const r = exported(w, STALE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /direnv: credguard: env-override: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set/);
    assert.match(r.stderr, /fix: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN/);
    assert.ok(!r.stderr.includes(KEYS.a.id) && !r.stderr.includes(KEYS.a.secret), 'no secret or full key id on screen');
    assert.equal(r.vars['OTHER'], '1');
    assert.equal(r.vars['AWS_PROFILE'], 'prod');
    assert.ok(!('AWS_ACCESS_KEY_ID' in r.vars), 'without --fix nothing is unset');
    const exec = w.direnv(['exec', w.project, 'env'], STALE);
    assert.match(exec.stdout, /^OTHER=1$/m);
    assert.match(exec.stdout, /^AWS_ACCESS_KEY_ID=/m);
    assert.match(exec.stderr, /env-override/);
  });

  test('--fix: the directory drops the keys (direnv emits unset), says so, and restores them on leaving', () => {
    const w = world();
    w.envrc('export AWS_PROFILE=prod\nuse credguard --profile prod --fix\nexport OTHER=1\n');
    const bashExport = w.direnv(['export', 'bash'], STALE);
    assert.equal(bashExport.code, 0, bashExport.stderr);
    assert.match(bashExport.stdout, /unset AWS_ACCESS_KEY_ID;/);
    assert.match(bashExport.stdout, /unset AWS_SECRET_ACCESS_KEY;/);
    assert.match(bashExport.stderr, /credguard: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY for this directory \[env-override\]; they come back when you leave it/);
    assert.ok(!/env-override: /.test(bashExport.stderr), 'fixed: no warning left');
    const exec = w.direnv(['exec', w.project, 'env'], STALE);
    assert.doesNotMatch(exec.stdout, /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)=/m);
    assert.match(exec.stdout, /^OTHER=1$/m);

    // A real bash with direnv's hook: cd in, cd out.
    const script = [
      'eval "$(direnv hook bash)"',
      `cd ${JSON.stringify(w.project)} && _direnv_hook`,
      'echo "in: key=${AWS_ACCESS_KEY_ID:-<unset>} secret=${AWS_SECRET_ACCESS_KEY:+set} other=${OTHER:-<unset>}"',
      `cd ${JSON.stringify(w.outside)} && _direnv_hook`,
      'echo "out: key=${AWS_ACCESS_KEY_ID:-<unset>} secret=${AWS_SECRET_ACCESS_KEY:+set} other=${OTHER:-<unset>}"',
    ].join('\n');
    const sh = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: w.outside, env: w.env(STALE), encoding: 'utf8', timeout: 30_000 });
    assert.equal(sh.status, 0, sh.stderr);
    assert.match(sh.stdout, /^in: key=<unset> secret= other=1$/m);
    assert.match(sh.stdout, new RegExp(`^out: key=${KEYS.a.id} secret=set other=<unset>$`, 'm'));
  });

  test('a clean environment prints no warning', () => {
    const w = world();
    w.envrc('export AWS_PROFILE=prod\nuse credguard --profile prod --account 679787541556 --region eu-west-1 --fix\nexport OTHER=1\n');
    const r = exported(w, {});
    assert.equal(r.code, 0);
    assert.deepEqual(credguardLines(r.stderr), [], r.stderr);
    assert.equal(r.vars['OTHER'], '1');
  });

  test('a broken ~/.aws/config and a binary credentials file: clear warnings naming the files, the rest loads', () => {
    const w = world();
    writeFileSync(join(w.home, '.aws', 'config'), `[profile prod]\nregion = eu-west-1\n${Array.from({ length: 8 }, (_, i) => `this is not ini ${i}`).join('\n')}\n[broken\n`);
    writeFileSync(join(w.home, '.aws', 'credentials'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0xff, 0xfe]));
    w.envrc('export AWS_PROFILE=prod\nuse credguard --profile prod\nexport OTHER=1\n');
    const r = exported(w, {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(w.home, '.aws', 'config').replace(/[.]/g, '\\.')}(:\\d+:| has \\d+ lines)`));
    assert.match(r.stderr, /credentials is binary, not an INI file/);
    assert.equal(r.vars['OTHER'], '1');
    assert.equal(r.vars['AWS_PROFILE'], 'prod');
  });

  test('strict_env: findings, a usage error or a missing credguard never make direnv drop the environment', () => {
    const w = world();
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['use credguard --profile prod --strict', STALE, /env-override/],
      ['use credguard --profile nope --account 123456789012', { AWS_SESSION_TOKEN: 'stale' }, /missing-profile/],
      ['use credguard --account 12', {}, /not an AWS account id/],
      ['use credguard --profile', {}, /--profile needs a value/],
      ['use credguard', { CREDGUARD_BIN: '/nonexistent/credguard' }, /not found; install credguard or set CREDGUARD_BIN/],
    ];
    for (const [line, extra, expected] of cases) {
      w.envrc(`strict_env\nexport AWS_PROFILE=prod\n${line}\nexport OTHER=1\n`);
      const r = exported(w, extra);
      assert.equal(r.code, 0, `${line}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /error exit status/, line);
      assert.match(r.stderr, expected, line);
      assert.equal(r.vars['OTHER'], '1', line);
    }
  });

  test('--strict prints errors but loads; --block / CREDGUARD_DIRENV_BLOCK=1 refuse the .envrc while errors remain', () => {
    const w = world();
    w.envrc('export AWS_PROFILE=prod\nuse credguard --profile prod --strict\nexport OTHER=1\n');
    const strict = exported(w, STALE);
    assert.equal(strict.vars['OTHER'], '1');
    for (const [line, extra] of [['use credguard --profile prod --strict --block', STALE], ['use credguard --profile prod --strict', { ...STALE, CREDGUARD_DIRENV_BLOCK: '1' }]] as const) {
      w.envrc(`export AWS_PROFILE=prod\n${line}\nexport OTHER=1\n`);
      const blocked = exported(w, extra);
      assert.match(blocked.stderr, /not loading this \.envrc until the errors above are fixed/);
      assert.ok(!('OTHER' in blocked.vars), 'blocked: nothing of the .envrc is exported');
      // Fixed, the same .envrc loads.
      const fixed = exported(w, { AWS_PROFILE: 'prod', ...(extra === STALE ? {} : { CREDGUARD_DIRENV_BLOCK: '1' }) });
      assert.equal(fixed.vars['OTHER'], '1', fixed.stderr);
    }
  });

  test('edits of ~/.aws/config, ~/.aws/credentials and $AWS_CONFIG_FILE re-run the check (watch_file)', () => {
    const w = world();
    const alt = join(w.root, 'alt-config');
    writeFileSync(alt, '[profile prod]\nregion = eu-west-1\n');
    w.envrc('use credguard\nexport OTHER=1\n');
    const files = [join(w.home, '.aws', 'config'), join(w.home, '.aws', 'credentials'), alt];
    // Each hook runs in this bash (not a pipeline subshell), its stderr to its own log.
    const inline = [
      'eval "$(direnv hook bash)"',
      `cd ${JSON.stringify(w.project)}`,
      `_direnv_hook 2>>${JSON.stringify(join(w.root, 'log0'))}`,
      ...files.flatMap((f, i) => [
        `touch -d '@${Math.floor(Date.now() / 1000) + 60 * (i + 1)}' ${JSON.stringify(f)}`,
        `_direnv_hook 2>>${JSON.stringify(join(w.root, `log${i + 1}`))}`,
      ]),
      `_direnv_hook 2>>${JSON.stringify(join(w.root, 'log-idle'))}`,
      'echo "other=${OTHER:-<unset>}"',
    ].join('\n');
    const run = spawnSync('bash', ['--norc', '--noprofile', '-c', inline], { cwd: w.outside, env: w.env({ AWS_CONFIG_FILE: alt, AWS_PROFILE: 'prod' }), encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /other=1/);
    const log = (name: string): string => (existsSync(join(w.root, name)) ? stripAnsi(spawnSync('cat', [join(w.root, name)], { encoding: 'utf8' }).stdout) : '');
    assert.match(log('log0'), /direnv: loading/);
    files.forEach((f, i) => assert.match(log(`log${i + 1}`), /direnv: loading/, `touching ${f} re-runs the .envrc`));
    assert.doesNotMatch(log('log-idle'), /direnv: loading/, 'nothing changed: no reload');
  });

  test('the library never evals what the command prints: unknown names and shell syntax are refused', () => {
    const w = world();
    const marker = join(w.root, 'pwned');
    const fake = join(w.root, 'fake-credguard');
    writeFileSync(fake, [
      '#!/bin/sh',
      "echo 'unset PATH'",
      "echo 'unset HOME'",
      `echo 'unset AWS_ACCESS_KEY_ID; touch ${marker}'`,
      `echo 'warn $(touch ${marker}) \`touch ${marker}\`'`,
      `echo 'touch ${marker}'`,
      "echo 'unset AWS_SESSION_TOKEN'",
      'exit 1',
      '',
    ].join('\n'));
    chmodSync(fake, 0o755);
    w.envrc('use credguard --fix\nexport OTHER=1\n');
    const r = exported(w, { ...STALE, AWS_SESSION_TOKEN: 'tok', CREDGUARD_BIN: fake });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(marker), 'nothing was executed');
    assert.match(r.stderr, /refusing to unset 'PATH'/);
    assert.match(r.stderr, /refusing to unset 'HOME'/);
    assert.match(r.stderr, /refusing to unset 'AWS_ACCESS_KEY_ID\?\?touch\?/);
    assert.ok(!('PATH' in r.vars) && !('HOME' in r.vars) && !('AWS_ACCESS_KEY_ID' in r.vars));
    assert.equal(r.vars['AWS_SESSION_TOKEN'], null, 'the one valid line was applied');
    assert.equal(r.vars['OTHER'], '1');
  });

  test('the library passes shellcheck', { skip: needs('shellcheck') }, () => {
    const r = spawnSync('shellcheck', ['-s', 'bash', join(ROOT, 'shell', 'credguard.direnv.sh')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
