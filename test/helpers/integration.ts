// Integration tests use real tools (moto, terraform, pre-commit, direnv, shells under tmux).
// Where a tool is missing they skip with a visible reason — except on CI, where
// CREDGUARD_REQUIRE_INTEGRATION=1 turns a missing tool into a failure.
import { spawnSync } from 'node:child_process';

export const REQUIRE_INTEGRATION = process.env['CREDGUARD_REQUIRE_INTEGRATION'] === '1';

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Returns `false` when the test can run, or a skip reason string for node:test's `skip` option.
 * Throws (failing the test file) when integration is required and the tool is missing.
 */
export function needs(...tools: string[]): false | string {
  const missing = tools.filter((t) => !(t === 'moto' ? hasMoto() : hasCommand(t)));
  if (missing.length === 0) return false;
  const reason = `needs ${missing.join(', ')} (not installed)`;
  if (REQUIRE_INTEGRATION) throw new Error(`CREDGUARD_REQUIRE_INTEGRATION=1 but ${reason}`);
  return reason;
}

let motoChecked: boolean | undefined;
function hasMoto(): boolean {
  motoChecked ??= spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
  return motoChecked;
}
