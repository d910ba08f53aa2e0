// The prompt state file: one per *shell context*, plain `key=value` lines that bash, zsh and
// fish read with their `read` builtin. Shells never `source` or `eval` it, and every value is
// written on one line with no control characters, so a hostile value cannot run code.
//
// Location: <cache>/prompt/<context name>.state, where the context name is computable with
// shell builtins alone from the environment (see `promptContextName`):
//   AWS_ACCESS_KEY_ID set and non-empty      -> env-<key id>
//   else AWS_PROFILE, AWS_DEFAULT_PROFILE    -> profile-<name>
//   else                                     -> profile-default
// every character outside [A-Za-z0-9._-] replaced by `_` (bash: ${v//[^A-Za-z0-9._-]/_}).
//
// Keys (v=1). Unknown keys must be ignored by readers; missing keys mean "unknown".
//   v            format version, "1"
//   context      the context name above (readers check it matches the file they opened)
//   label        what the segment shows as the source: the profile name, or "env keys"
//   profile      the profile in effect ("" when env keys are the source)
//   shadowed     "1" when env keys shadow AWS_PROFILE/AWS_DEFAULT_PROFILE, else "0"
//   source       source kind: env | env-web-identity | profile | container | imds | none
//   account      12-digit account id, or ""
//   region       the region Terraform would use, or ""
//   status       ok | invalid | expired | error | none | unknown
//   cause        a DESIGN.md cause id when status is not ok, else ""
//   expires      credential expiry, epoch seconds; "0" when unknown or long-lived
//   refreshable  "1" when an expired session can refresh silently (SSO with a refresh token)
//   checked      when the identity was checked, epoch seconds
//   stale_after  epoch seconds after which the shell should start a background refresh
//   written      epoch seconds when this file was written (fish derives "now" from it)

export const STATE_VERSION = '1';

export interface PromptState {
  context: string;
  label: string;
  profile: string;
  shadowed: boolean;
  source: string;
  account: string;
  region: string;
  status: 'ok' | 'invalid' | 'expired' | 'error' | 'none' | 'unknown';
  cause: string;
  expires: number;
  refreshable: boolean;
  checked: number;
  staleAfter: number;
  written: number;
}

export const STATE_KEYS = [
  'v', 'context', 'label', 'profile', 'shadowed', 'source', 'account', 'region', 'status',
  'cause', 'expires', 'refreshable', 'checked', 'stale_after', 'written',
] as const;

/** Replace anything a file name or shell word should not contain. */
export function sanitizeName(value: string): string {
  // `u`: one replacement per code point, as the shells do (an emoji is one `_`, not two).
  return value.replace(/[^A-Za-z0-9._-]/gu, '_');
}

/** The context name as the shells compute it (keep in sync with shell/credguard.*). */
export function promptContextName(env: Readonly<Record<string, string | undefined>>): string {
  const keyId = env['AWS_ACCESS_KEY_ID'];
  if (keyId) return `env-${sanitizeName(keyId)}`;
  const profile = env['AWS_PROFILE'] || env['AWS_DEFAULT_PROFILE'] || 'default';
  return `profile-${sanitizeName(profile)}`;
}

/** One line, no control characters, no `=` ambiguity for readers that split on the first `=`. */
function clean(value: string): string {
  return value.replace(/[\x00-\x1f\x7f]/g, '?');
}

export function serializeState(state: PromptState): string {
  const pairs: Array<[string, string]> = [
    ['v', STATE_VERSION],
    ['context', state.context],
    ['label', state.label],
    ['profile', state.profile],
    ['shadowed', state.shadowed ? '1' : '0'],
    ['source', state.source],
    ['account', state.account],
    ['region', state.region],
    ['status', state.status],
    ['cause', state.cause],
    ['expires', String(Math.floor(state.expires))],
    ['refreshable', state.refreshable ? '1' : '0'],
    ['checked', String(Math.floor(state.checked))],
    ['stale_after', String(Math.floor(state.staleAfter))],
    ['written', String(Math.floor(state.written))],
  ];
  return pairs.map(([k, v]) => `${k}=${clean(v)}`).join('\n') + '\n';
}

export function parseState(text: string): Partial<PromptState> & { v?: string } {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const num = (k: string): number | undefined => {
    const v = map.get(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const status = map.get('status');
  const out: Partial<PromptState> & { v?: string } = {};
  const set = <K extends keyof PromptState>(k: K, v: PromptState[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  if (map.has('v')) out.v = map.get('v');
  set('context', map.get('context'));
  set('label', map.get('label'));
  set('profile', map.get('profile'));
  set('shadowed', map.has('shadowed') ? map.get('shadowed') === '1' : undefined);
  set('source', map.get('source'));
  set('account', map.get('account'));
  set('region', map.get('region'));
  set('status', isStatus(status) ? status : undefined);
  set('cause', map.get('cause'));
  set('expires', num('expires'));
  set('refreshable', map.has('refreshable') ? map.get('refreshable') === '1' : undefined);
  set('checked', num('checked'));
  set('staleAfter', num('stale_after'));
  set('written', num('written'));
  return out;
}

function isStatus(v: string | undefined): v is PromptState['status'] {
  return v === 'ok' || v === 'invalid' || v === 'expired' || v === 'error' || v === 'none' || v === 'unknown';
}
