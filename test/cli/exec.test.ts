// exec reads the terraform command line as Terraform does (src/cli/exec.ts terraformContext):
// -chdir=DIR before the subcommand, -var / -var-file in order, TF_CLI_ARGS(_<command>) merged
// right after the subcommand. Pure: no process is run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shellWords, terraformContext } from '../../src/cli/exec.js';

const vars = (...a: Array<[string, string]>) => a.map(([name, value]) => ({ kind: 'var', name, value }));

test('-chdir=DIR names the root module; -var and -var-file follow in order, files relative to it', () => {
  const r = terraformContext(['terraform', '-chdir=envs/prod', 'plan', '-var', 'a=1', '-var-file=x.tfvars', '--var=b=2=3', '-var-file', '/abs/y.tfvars'], '/w', {});
  assert.equal(r.dir, '/w/envs/prod');
  assert.deepEqual(r.cliVars, [vars(['a', '1'])[0], { kind: 'file', path: '/w/envs/prod/x.tfvars' }, vars(['b', '2=3'])[0], { kind: 'file', path: '/abs/y.tfvars' }]);
});

test('only terraform and tofu binaries are read; -chdir counts only before the subcommand', () => {
  for (const bin of ['terraform', '/usr/local/bin/terraform', 'tofu', 'terraform.exe', 'terraform1.6', 'terraform-1.11.4']) {
    assert.deepEqual(terraformContext([bin, 'plan', '-var', 'a=1'], '/w', {}).cliVars, vars(['a', '1']), bin);
  }
  for (const bin of ['sh', 'terragrunt', 'make']) assert.deepEqual(terraformContext([bin, 'plan', '-var', 'a=1'], '/w', {}), { cliVars: [] }, bin);
  assert.equal(terraformContext(['terraform', 'plan', '-chdir=x'], '/w', {}).dir, undefined);
  assert.equal(terraformContext(['terraform', '-chdir', 'x', 'plan'], '/w', {}).dir, undefined);
});

test('TF_CLI_ARGS_<command>, then TF_CLI_ARGS, come right after the subcommand; a malformed -var is left to terraform', () => {
  const env = { TF_CLI_ARGS: `-var-file="b c.tfvars" -var 'x=general'`, TF_CLI_ARGS_plan: '-var x=plan', TF_CLI_ARGS_force_unlock: '-var y=1' };
  const r = terraformContext(['terraform', 'plan', '-var', 'x=cli', '-var', 'noequals'], '/w', env);
  assert.deepEqual(r.cliVars, [vars(['x', 'plan'])[0], { kind: 'file', path: '/w/b c.tfvars' }, vars(['x', 'general'])[0], vars(['x', 'cli'])[0]]);
  assert.deepEqual(terraformContext(['terraform', 'force-unlock'], '/w', env).cliVars, [vars(['y', '1'])[0], { kind: 'file', path: '/w/b c.tfvars' }, vars(['x', 'general'])[0]]);
});

test('shellWords splits as a shell would', () => {
  assert.deepEqual(shellWords(` a  'b c' "d \\"e\\"" f\\ g ''`), ['a', 'b c', 'd "e"', 'f g', '']);
  assert.deepEqual(shellWords(undefined), []);
});
