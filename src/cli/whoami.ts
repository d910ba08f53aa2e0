// credguard whoami: who would Terraform be, right here? Cached unless --refresh.
import { parseArgs } from 'node:util';
import { getIdentity, type IdentityEntry } from '../core/identity.js';
import type { Resolution } from '../core/resolve.js';
import { formatCountdown, kleur, renderFinding } from '../core/ui.js';
import { KEY_PREFIXES } from '../core/keys.js';
import type { Cli } from './io.js';
import { loadSettings } from './shared.js';
import { resolveCredentials } from '../core/resolve.js';

const HELP = `Usage: credguard whoami [--json] [--refresh] [--profile P]

Shows the identity Terraform would use here: account, ARN, the credential source and why it
won (Terraform's precedence), region, time to expiry and status. The answer is cached and
shared with the prompt, check and doctor; --refresh asks STS again.

Options:
  --json          machine-readable output
  --refresh       ignore the cache and call STS GetCallerIdentity
  --profile P     use profile P, as a provider "profile" or 'aws --profile' would
  -h, --help      show this help

Exit codes: 0 credentials work, 1 they will fail, 2 usage or input error.
`;

export async function run(args: string[], cli: Cli): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
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
  const { entry, fromCache } = await getIdentity(cli, r, { settings, force: values.refresh });
  if (values.json) cli.out(JSON.stringify(whoamiJson(r, entry, fromCache, cli.now()), null, 2));
  else cli.out(whoamiText(r, entry, fromCache, cli.now()));
  return entry.status === 'ok' ? 0 : 1;
}

export function whoamiJson(r: Resolution, e: IdentityEntry, fromCache: boolean, now: number): object {
  return {
    status: e.status,
    cause: e.cause ?? null,
    identity: e.status === 'ok' ? { account: e.account, arn: e.arn, userId: e.userId } : null,
    error: e.status === 'ok' ? null : { code: e.errorCode ?? null, message: e.errorMessage ?? null, explanation: e.explanation ?? null },
    source: r.source,
    profile: r.profile ?? null,
    profileOrigin: r.profileOrigin ?? null,
    shadowedProfile: r.shadowedProfile ?? null,
    accessKeyId: r.key?.masked ?? null,
    keyClass: r.key?.klass ?? null,
    accountFromKeyId: r.key?.accountId ?? null,
    region: r.region ?? null,
    regionSource: r.regionSource ?? null,
    stsEndpoint: r.stsEndpoint ?? null,
    expiry: r.expiry
      ? { at: new Date(r.expiry.at).toISOString(), inSeconds: Math.floor((r.expiry.at - now) / 1000), refreshable: r.expiry.refreshable, source: r.expiry.source }
      : null,
    chain: r.chain.map((l) => ({ profile: l.name, kind: l.kind, roleArn: l.roleArn ?? null })),
    trace: r.trace,
    findings: r.findings,
    checkedAt: new Date(e.checkedAt).toISOString(),
    fromCache,
  };
}

function row(label: string, value: string): string {
  return `${kleur.dim(label.padEnd(9))} ${value}`;
}

export function whoamiText(r: Resolution, e: IdentityEntry, fromCache: boolean, now: number): string {
  const lines: string[] = [];
  const statusText = e.status === 'ok' ? kleur.green('ok') : kleur.red(`${e.status}${e.cause ? ` (${e.cause})` : ''}`);
  if (e.status === 'ok') {
    lines.push(row('account', kleur.bold(e.account ?? '?')));
    lines.push(row('arn', e.arn ?? '?'));
  } else {
    lines.push(row('status', statusText));
    if (e.errorCode) lines.push(row('error', `${e.errorCode}${e.errorMessage ? `: ${e.errorMessage}` : ''}`));
    if (e.explanation) lines.push(row('why', e.explanation));
  }
  lines.push(row('source', describeSource(r)));
  for (const step of r.trace) lines.push(row('', kleur.dim(`↳ ${step}`)));
  if (r.key) {
    const klass = KEY_PREFIXES[r.key.prefix] ?? 'unrecognised prefix';
    lines.push(row('key', `${r.key.masked} (${klass}${r.key.accountId ? `, account ${r.key.accountId} by key id` : ''})`));
  }
  lines.push(row('region', r.region ? `${r.region} (${r.regionSource})` : kleur.yellow('not set (Terraform needs a region)')));
  if (r.expiry) {
    const left = Math.floor((r.expiry.at - now) / 1000);
    const refresh = r.expiry.refreshable ? ', refreshes silently' : '';
    lines.push(row('expires', `${formatCountdown(left)} (${new Date(r.expiry.at).toISOString()}${refresh})`));
  }
  if (e.status === 'ok') lines.push(row('status', `${statusText} ${kleur.dim(`(checked ${formatCountdown(Math.max(1, (now - e.checkedAt) / 1000))} ago${fromCache ? ', cached' : ''})`)}`));
  const shown = r.findings.filter((f) => f.severity !== 'info');
  if (shown.length) {
    lines.push('');
    for (const f of shown) lines.push(renderFinding(f));
  }
  return lines.join('\n');
}

function describeSource(r: Resolution): string {
  switch (r.source) {
    case 'env':
      return r.shadowedProfile ? `environment keys (shadowing profile ${r.shadowedProfile})` : 'environment keys';
    case 'profile':
      return `profile ${r.profile ?? '?'}${r.profileOrigin && r.profileOrigin !== 'default' ? ` (${r.profileOrigin === 'provider' ? '--profile' : r.profileOrigin})` : ''}`;
    case 'env-web-identity':
      return 'web identity from the environment';
    case 'provider-static':
      return 'keys in the provider block';
    case 'container':
      return 'container credentials';
    case 'imds':
      return 'EC2 instance metadata';
    default:
      return 'none';
  }
}
