// credguard refresh: re-check the current context and rewrite the cache and prompt state.
// The prompt runs `credguard refresh --quiet` in the background when its state is stale;
// concurrent refreshes of one context coalesce into one STS call (lock + 5 s window).
import { parseArgs } from 'node:util';
import { getIdentity } from '../core/identity.js';
import type { Cli } from './io.js';
import { loadSettings } from './shared.js';
import { resolveCredentials } from '../core/resolve.js';

const HELP = `Usage: credguard refresh [--quiet] [--profile P]

Re-checks the identity of the current context with STS (coalescing with any refresh already
running for it) and rewrites the shared cache and the prompt state file.

Options:
  --quiet, -q     print nothing (what the prompt's background refresh uses)
  --profile P     refresh profile P instead of the current context
  -h, --help      show this help
`;

/** Refreshes started within this window of a completed check reuse it. */
export const COALESCE_MS = 5000;

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      quiet: { type: 'boolean', short: 'q', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    cli.out(HELP);
    return 0;
  }
  const { settings } = await loadSettings(cli);
  const r = await resolveCredentials(cli, values.profile ? { profile: values.profile } : {});
  const { entry } = await getIdentity(cli, r, { settings, force: true, coalesceMs: COALESCE_MS });
  if (!values.quiet) {
    const what = r.profile ? `profile ${r.profile}` : r.source;
    cli.out(entry.status === 'ok' ? `${what}: ok (${entry.account})` : `${what}: ${entry.status}${entry.cause ? ` (${entry.cause})` : ''}`);
  }
  return entry.status === 'ok' ? 0 : 1;
}
