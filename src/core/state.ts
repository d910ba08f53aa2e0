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
//
// The fast line. The first line of the file repeats what the prompt reads, in one line that a
// shell splits with a single `read` builtin (no loop over the lines):
//   fast=1<US>context<US>label<US>account<US>region<US>status<US>expires<US>refreshable<US>stale_after<US>end
// <US> is the ASCII unit separator 0x1f; a value can never contain it (every control character
// is written as `?`). To a key=value reader it is the unknown key `fast`, ignored. The line is
// *well-formed* when, split on <US>, it has exactly 10 fields, the first is exactly `fast=1` and
// the last exactly `end` — one trailing <US> after `end` is tolerated, because bash's `read`
// drops it (zsh and fish check for it). Readers of a well-formed fast line take those 8 keys
// from it (and ignore the same keys on the key=value lines); otherwise they fall back to the
// key=value lines. Numbers on the fast line follow the key=value rules (digits only, else
// unknown). `credguard prompt` and the shell fast paths apply this rule identically.

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

/** Tag (first field) and end mark (last field) of the fast line, and the keys it carries, in order. */
export const FAST_TAG = 'fast=1';
export const FAST_END = 'end';
export const FAST_KEYS = ['context', 'label', 'account', 'region', 'status', 'expires', 'refreshable', 'stale_after'] as const;
export type FastKey = (typeof FAST_KEYS)[number];
const US = '\x1f';

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
  const values = new Map(pairs);
  const fast = [FAST_TAG, ...FAST_KEYS.map((k) => clean(values.get(k) ?? '')), FAST_END].join(US);
  return [fast, ...pairs.map(([k, v]) => `${k}=${clean(v)}`)].join('\n') + '\n';
}

/** The fast line's values by key when the text's first line is a well-formed fast line (see above). */
export function parseFastLine(text: string): Map<FastKey, string> | undefined {
  const nl = text.indexOf('\n');
  const parts = (nl < 0 ? text : text.slice(0, nl)).split(US);
  // bash's `read` drops one trailing separator after the last field, so the others accept it too
  if (parts.length === FAST_KEYS.length + 3 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== FAST_KEYS.length + 2 || parts[0] !== FAST_TAG || parts[parts.length - 1] !== FAST_END) return undefined;
  return new Map(FAST_KEYS.map((k, i) => [k, parts[i + 1]!]));
}

export function parseState(text: string): Partial<PromptState> & { v?: string } {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  // a well-formed fast line wins over the key=value lines for the keys it carries
  const fast = parseFastLine(text);
  if (fast) for (const [k, v] of fast) map.set(k, v);
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
