// "Which credentials would Terraform use here, and what do we know about them without asking
// AWS?" — a pure function of (env, files, clock), mirroring Terraform's precedence
// (aws-sdk-go-base over the Go SDK v2), not the JS SDK's. See DESIGN.md.
import type { Context } from './context.js';
import { UNSET_ENV_KEYS, type Finding } from './causes.js';
import { loadAwsFiles, type AwsFiles, type Section } from './awsfiles.js';
import { keyFacts, secretProblems, type KeyFacts } from './keys.js';
import { cliCacheExpiry, envExpiry, fileExpiry, readSsoToken, type Expiry } from './expiry.js';
import { promptContextName } from './state.js';

export type SourceKind = 'provider-static' | 'env' | 'env-web-identity' | 'profile' | 'container' | 'imds' | 'none';

/** Where the profile name came from, in Terraform's order. */
export type ProfileOrigin = 'provider' | 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' | 'default';

export type ProfileKind = 'static' | 'assume-role' | 'sso' | 'sso-legacy' | 'credential-process' | 'credential-source' | 'web-identity' | 'empty';

export interface ProfileLink {
  name: string;
  kind: ProfileKind;
  /** Which file(s) define it. */
  definedIn: string[];
  roleArn?: string;
  sourceProfile?: string;
  credentialSource?: string;
  ssoSession?: string;
  ssoStartUrl?: string;
  ssoAccountId?: string;
  ssoRoleName?: string;
  credentialProcess?: string;
  webIdentityTokenFile?: string;
  accessKeyId?: string;
  hasSessionToken?: boolean;
  region?: string;
}

export interface ResolveOptions {
  /** A `profile` set in the provider block, or `--profile` on the command line: beats env keys. */
  profile?: string;
  /** Literal keys from a provider block: nothing else is consulted. Never stored. */
  providerStatic?: { accessKeyId: string; hasSecret: boolean; hasSessionToken: boolean };
  /** Provider `region`: beats the environment. */
  region?: string;
  /** Provider `shared_config_files` / `shared_credentials_files` (first entry). */
  sharedConfigFile?: string;
  sharedCredentialsFile?: string;
  /** STS endpoint override (provider `endpoints.sts`). */
  stsEndpoint?: string;
}

export interface Resolution {
  source: SourceKind;
  /** The profile in effect, for profile sources. */
  profile?: string;
  profileOrigin?: ProfileOrigin;
  /** Profile chain, first the profile in effect, last the one holding the root credentials. */
  chain: ProfileLink[];
  /** The access key id at the root of the chain, when known offline (not a secret). */
  accessKeyId?: string;
  key?: KeyFacts;
  hasSessionToken: boolean;
  region?: string;
  regionSource?: string;
  stsEndpoint?: string;
  /** The expiry that decides whether Terraform can authenticate, when known. */
  expiry?: Expiry;
  /** Every expiry seen along the chain, informational. */
  expiries: Expiry[];
  /** The profile env keys shadow (env keys beat AWS_PROFILE in Terraform), if any. */
  shadowedProfile?: string;
  /** Why this source won, step by step. */
  trace: string[];
  findings: Finding[];
  files: { configPath: string; credentialsPath: string };
  /** Cache key: source kind + profile + access key id + region + endpoint. Never a secret. */
  contextKey: string;
  /** The prompt state file's context name (computed by the shells too). */
  promptContext: string;
  /**
   * True when nothing but the environment and the shared files chose this source (no provider
   * setting, no --profile): only then is it what the shell's prompt shows for promptContext.
   */
  fromEnvironment: boolean;
  /** True when resolution alone shows Terraform will fail (missing profile, no credentials). */
  failsOffline: boolean;
}

const MAX_CHAIN = 10;

export async function resolveCredentials(ctx: Context, opts: ResolveOptions = {}): Promise<Resolution> {
  const files = await loadAwsFiles(ctx, { config: opts.sharedConfigFile, credentials: opts.sharedCredentialsFile });
  const r: Resolution = {
    source: 'none',
    chain: [],
    hasSessionToken: false,
    expiries: [],
    trace: [],
    findings: [...files.findings],
    files: { configPath: files.configPath, credentialsPath: files.credentialsPath },
    contextKey: '',
    promptContext: promptContextName(ctx.env),
    fromEnvironment: Object.values(opts).every((v) => v === undefined),
    failsOffline: false,
  };
  const stsEndpoint = opts.stsEndpoint ?? nonEmpty(ctx.env['AWS_ENDPOINT_URL_STS']) ?? nonEmpty(ctx.env['AWS_ENDPOINT_URL']);
  if (stsEndpoint) r.stsEndpoint = stsEndpoint;

  const envProfile = profileFromEnv(ctx);
  checkProfileEnvConflict(ctx, r);
  const envKeys = readEnvKeys(ctx, r);

  if (opts.providerStatic) {
    r.source = 'provider-static';
    r.trace.push('the provider block sets access_key/secret_key: Terraform uses them and consults nothing else');
    setKey(r, opts.providerStatic.accessKeyId, opts.providerStatic.hasSessionToken);
  } else if (opts.profile) {
    r.trace.push(`the provider block (or --profile) names profile "${opts.profile}": it beats environment keys`);
    if (envKeys) {
      r.findings.push({
        cause: 'env-override', severity: 'info',
        message: `AWS_ACCESS_KEY_ID is set but profile "${opts.profile}" from the provider block wins; Terraform warns about the conflict.`,
        evidence: `AWS_ACCESS_KEY_ID=${keyFacts(envKeys.accessKeyId).masked}`,
        fix: UNSET_ENV_KEYS,
      });
    }
    resolveProfile(ctx, files, opts.profile, 'provider', r);
  } else if (envKeys) {
    r.source = 'env';
    r.trace.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set: environment keys beat AWS_PROFILE');
    setKey(r, envKeys.accessKeyId, envKeys.hasSessionToken);
    const exp = envExpiry(ctx, r.findings);
    if (exp) addExpiry(r, exp, true);
    if (envProfile) {
      r.shadowedProfile = envProfile.name;
      if (!profileExists(files, envProfile.name)) {
        // The Go SDK loads the named profile even when env keys win, and fails if it is missing.
        missingProfile(r, files, envProfile.name, envProfile.origin);
      } else {
        r.findings.push({
          code: 'env-keys-shadow-profile', cause: 'env-override', severity: 'warn',
          message: `Environment keys shadow ${envProfile.origin}=${envProfile.name}: Terraform uses the keys, not the profile.`,
          evidence: `AWS_ACCESS_KEY_ID=${keyFacts(envKeys.accessKeyId).masked}, ${envProfile.origin}=${envProfile.name}`,
          fix: UNSET_ENV_KEYS,
        });
      }
    }
  } else if (nonEmpty(ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE']) && nonEmpty(ctx.env['AWS_ROLE_ARN'])) {
    r.source = 'env-web-identity';
    r.trace.push('AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set: web identity from the environment');
    checkTokenFile(ctx, ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE'] ?? '', r);
  } else {
    const chosen = envProfile ?? { name: 'default', origin: 'default' as const };
    if (envProfile) r.trace.push(`no environment keys; ${envProfile.origin}=${envProfile.name} selects the profile`);
    else r.trace.push('no environment keys and no AWS_PROFILE/AWS_DEFAULT_PROFILE: the "default" profile');
    if (chosen.origin === 'default' && !profileExists(files, 'default')) {
      fallBackToContainerOrImds(ctx, r);
    } else {
      resolveProfile(ctx, files, chosen.name, chosen.origin, r);
    }
  }

  resolveRegion(ctx, files, opts.region, r);
  pickEffectiveExpiry(ctx, r);
  r.contextKey = [r.source, r.profile ?? '', r.accessKeyId ?? '', r.region ?? '', r.stsEndpoint ?? ''].join('|');
  return r;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function profileFromEnv(ctx: Context): { name: string; origin: ProfileOrigin } | undefined {
  const p = nonEmpty(ctx.env['AWS_PROFILE']);
  if (p) return { name: p, origin: 'AWS_PROFILE' };
  const d = nonEmpty(ctx.env['AWS_DEFAULT_PROFILE']);
  if (d) return { name: d, origin: 'AWS_DEFAULT_PROFILE' };
  return undefined;
}

function checkProfileEnvConflict(ctx: Context, r: Resolution): void {
  const p = nonEmpty(ctx.env['AWS_PROFILE']);
  const d = nonEmpty(ctx.env['AWS_DEFAULT_PROFILE']);
  if (p && d && p !== d) {
    r.findings.push({
      cause: 'wrong-profile', severity: 'warn',
      message: `AWS_PROFILE=${p} and AWS_DEFAULT_PROFILE=${d} disagree: Terraform and the AWS CLI use ${p}, some tools use ${d}.`,
      evidence: `AWS_PROFILE=${p}, AWS_DEFAULT_PROFILE=${d}`,
      fix: 'unset AWS_DEFAULT_PROFILE',
    });
  }
}

interface EnvKeys {
  accessKeyId: string;
  hasSessionToken: boolean;
}

/**
 * The environment keys exactly as Terraform (the Go SDK v2) reads them, settled against the
 * real binary (test/terraform/e2e-harness.test.ts): AWS_ACCESS_KEY / AWS_SECRET_KEY are
 * accepted as alternate names; AWS_SECURITY_TOKEN (boto, the JS SDK) is not read at all.
 */
export function envKeyValues(env: Context['env']): { id?: string; secret?: string; token?: string } {
  const id = nonEmpty(env['AWS_ACCESS_KEY_ID']) ?? nonEmpty(env['AWS_ACCESS_KEY']);
  const secret = nonEmpty(env['AWS_SECRET_ACCESS_KEY']) ?? nonEmpty(env['AWS_SECRET_KEY']);
  const token = nonEmpty(env['AWS_SESSION_TOKEN']);
  return { ...(id ? { id } : {}), ...(secret ? { secret } : {}), ...(token ? { token } : {}) };
}

/** Env keys count only as a pair, as in the Go SDK; a lone half is reported and ignored. */
function readEnvKeys(ctx: Context, r: Resolution): EnvKeys | undefined {
  const { id, secret, token } = envKeyValues(ctx.env);
  if (nonEmpty(ctx.env['AWS_SECURITY_TOKEN'])) {
    r.findings.push({ cause: 'env-override', severity: 'warn', message: 'AWS_SECURITY_TOKEN is set: Terraform ignores it (only AWS_SESSION_TOKEN counts), while boto3 and the JS SDK use it — the tools disagree about your session.', fix: 'unset AWS_SECURITY_TOKEN' });
  }
  if (id && !secret) {
    r.findings.push({ cause: 'env-override', severity: 'warn', message: 'AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY; Terraform ignores it.', evidence: `AWS_ACCESS_KEY_ID=${keyFacts(id).masked}`, fix: 'unset AWS_ACCESS_KEY_ID' });
  }
  if (secret && !id) {
    r.findings.push({ cause: 'env-override', severity: 'warn', message: 'AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID; Terraform ignores it.', fix: 'unset AWS_SECRET_ACCESS_KEY' });
  }
  if (token && !(id && secret)) {
    r.findings.push({ cause: 'env-override', severity: 'warn', message: 'AWS_SESSION_TOKEN is set without environment keys: a leftover from an old session.', fix: 'unset AWS_SESSION_TOKEN' });
  }
  if (!id || !secret) return undefined;
  for (const problem of secretProblems(secret)) {
    r.findings.push({ cause: 'wrong-credentials', severity: 'error', message: `AWS_SECRET_ACCESS_KEY ${problem}: AWS will reject the signature.`, evidence: 'AWS_SECRET_ACCESS_KEY (value hidden)', fix: 'export AWS_SECRET_ACCESS_KEY=<the 40-character secret, without quotes or spaces>' });
  }
  return { accessKeyId: id, hasSessionToken: Boolean(token) };
}

function setKey(r: Resolution, accessKeyId: string, hasSessionToken: boolean): void {
  r.accessKeyId = accessKeyId;
  r.hasSessionToken = hasSessionToken;
  const facts = keyFacts(accessKeyId);
  r.key = facts;
  const where = r.source === 'env' ? 'AWS_ACCESS_KEY_ID' : r.profile ? `profile ${r.profile}` : 'the access key';
  for (const problem of facts.problems) {
    r.findings.push({ cause: 'wrong-credentials', severity: 'error', message: `The access key id in ${where} ${problem}.`, evidence: facts.masked, fix: fixKeyFor(r) });
  }
  if (facts.klass === 'temporary' && !hasSessionToken) {
    r.findings.push({
      cause: 'env-override', severity: 'error',
      message: `${where} holds a temporary (ASIA…) key but no session token: AWS rejects it with InvalidClientTokenId.`,
      evidence: facts.masked,
      fix: r.source === 'env' ? 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY  # or export the matching AWS_SESSION_TOKEN' : `add aws_session_token to profile ${r.profile ?? ''}, or refresh the session`,
    });
  }
  if (facts.klass === 'long-term' && hasSessionToken) {
    r.findings.push({
      cause: 'env-override', severity: 'error',
      message: `${where} holds a long-term (AKIA…) key together with a session token: AWS rejects the pair with InvalidClientTokenId.`,
      evidence: facts.masked,
      fix: r.source === 'env' ? 'unset AWS_SESSION_TOKEN' : `remove aws_session_token from profile ${r.profile ?? ''}`,
    });
  }
}

function fixKeyFor(r: Resolution): string {
  if (r.source === 'env') return 'export AWS_ACCESS_KEY_ID=<the 20-character key id, without quotes or spaces>';
  if (r.profile) return `aws configure --profile ${r.profile}`;
  return 'correct the access key id';
}

function profileExists(files: AwsFiles, name: string): boolean {
  return files.config[name] !== undefined || files.credentials[name] !== undefined;
}

/** Credentials-file settings win over config-file settings of the same profile. */
function profileSection(files: AwsFiles, name: string): Section | undefined {
  const c = files.config[name];
  const k = files.credentials[name];
  if (!c && !k) return undefined;
  return { ...(c ?? {}), ...(k ?? {}) };
}

function missingProfile(r: Resolution, files: AwsFiles, name: string, origin: ProfileOrigin): void {
  r.failsOffline = true;
  const known = [...new Set([...Object.keys(files.config), ...Object.keys(files.credentials)])].sort();
  const setBy = origin === 'provider' ? 'the provider block (or --profile)' : origin;
  r.findings.push({
    code: 'profile-missing', cause: 'missing-profile', severity: 'error',
    message: `Profile "${name}" (from ${setBy}) does not exist in ${files.configPath} or ${files.credentialsPath}: Terraform fails with "failed to get shared config profile, ${name}".`,
    evidence: known.length ? `known profiles: ${known.join(', ')}` : 'no profiles are defined',
    fix: origin === 'AWS_PROFILE' || origin === 'AWS_DEFAULT_PROFILE'
      ? (known.length ? `export ${origin}=${known[0]}  # or: aws configure --profile ${name}` : `aws configure --profile ${name}`)
      : `aws configure --profile ${name}  # or fix the provider's profile`,
  });
}

function resolveProfile(ctx: Context, files: AwsFiles, name: string, origin: ProfileOrigin, r: Resolution): void {
  r.source = 'profile';
  r.profile = name;
  r.profileOrigin = origin;
  if (!profileExists(files, name)) {
    missingProfile(r, files, name, origin);
    return;
  }
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined) {
    if (r.chain.length >= MAX_CHAIN) {
      r.findings.push({ cause: 'config', severity: 'error', message: `The source_profile chain starting at "${name}" is longer than ${MAX_CHAIN} profiles.`, file: files.configPath });
      r.failsOffline = true;
      return;
    }
    const section = profileSection(files, current);
    if (!section) {
      r.failsOffline = true;
      r.findings.push({ cause: 'missing-profile', severity: 'error', message: `Profile "${r.chain.at(-1)?.name}" names source_profile "${current}", which does not exist.`, file: files.configPath, fix: `Add a [profile ${current}] section, or fix source_profile.` });
      return;
    }
    const link = describeProfile(files, current, section);
    r.chain.push(link);
    seen.add(current);
    const next: string | undefined = link.kind === 'assume-role' ? link.sourceProfile : undefined;
    if (next !== undefined && seen.has(next)) {
      // A profile may name itself as source when it also holds static keys (Go SDK allows it).
      const self = next === current && section['aws_access_key_id'] !== undefined;
      if (self) {
        readStaticKeys(files, section, current, r);
        break;
      }
      r.failsOffline = true;
      r.findings.push({ cause: 'config', severity: 'error', message: `The source_profile chain loops: ${[...seen, next].join(' → ')}.`, file: files.configPath, fix: `Edit ${files.configPath}: one profile of the loop must hold credentials (keys, sso, credential_process or credential_source).` });
      return;
    }
    if (next === undefined) {
      describeRoot(ctx, files, link, section, r);
      break;
    }
    r.trace.push(`profile "${current}" assumes ${link.roleArn} with credentials from source_profile "${next}"`);
    current = next;
  }
}

function describeProfile(files: AwsFiles, name: string, s: Section): ProfileLink {
  const definedIn = [files.config[name] ? files.configPath : undefined, files.credentials[name] ? files.credentialsPath : undefined].filter((x): x is string => Boolean(x));
  const link: ProfileLink = { name, kind: 'empty', definedIn };
  const set = <K extends keyof ProfileLink>(k: K, v: ProfileLink[K] | undefined): void => {
    if (v !== undefined && v !== '') link[k] = v;
  };
  set('roleArn', s['role_arn']);
  set('sourceProfile', s['source_profile']);
  set('credentialSource', s['credential_source']);
  set('ssoSession', s['sso_session']);
  set('ssoStartUrl', s['sso_start_url']);
  set('ssoAccountId', s['sso_account_id']);
  set('ssoRoleName', s['sso_role_name']);
  set('credentialProcess', s['credential_process']);
  set('webIdentityTokenFile', s['web_identity_token_file']);
  set('accessKeyId', s['aws_access_key_id']);
  set('region', s['region']);
  link.hasSessionToken = Boolean(s['aws_session_token'] ?? s['aws_security_token']);
  // Order of the Go SDK's resolveCredsFromProfile.
  if (link.roleArn && link.sourceProfile) link.kind = 'assume-role';
  else if (link.accessKeyId && s['aws_secret_access_key']) link.kind = 'static';
  else if (link.credentialSource) link.kind = 'credential-source';
  else if (link.webIdentityTokenFile) link.kind = 'web-identity';
  else if (link.ssoSession) link.kind = 'sso';
  else if (link.ssoStartUrl) link.kind = 'sso-legacy';
  else if (link.credentialProcess) link.kind = 'credential-process';
  return link;
}

function describeRoot(ctx: Context, files: AwsFiles, link: ProfileLink, section: Section, r: Resolution): void {
  const wrapped = link.roleArn && link.kind !== 'assume-role' ? `, then assumes ${link.roleArn}` : '';
  switch (link.kind) {
    case 'static':
      r.trace.push(`profile "${link.name}" holds static keys${wrapped}`);
      readStaticKeys(files, section, link.name, r);
      break;
    case 'sso':
    case 'sso-legacy':
      r.trace.push(`profile "${link.name}" uses IAM Identity Center (${link.kind === 'sso' ? `sso_session ${link.ssoSession}` : 'legacy sso_start_url'})${wrapped}`);
      readSso(ctx, files, link, r);
      break;
    case 'credential-process':
      r.trace.push(`profile "${link.name}" runs credential_process${wrapped}; its expiry is known only once it runs`);
      break;
    case 'credential-source':
      r.trace.push(`profile "${link.name}" takes credentials from credential_source ${link.credentialSource}${wrapped}`);
      break;
    case 'web-identity':
      r.trace.push(`profile "${link.name}" uses web identity from ${link.webIdentityTokenFile}`);
      checkTokenFile(ctx, link.webIdentityTokenFile ?? '', r);
      break;
    default: {
      // The Go SDK falls through to container credentials, then IMDS (right on EC2/ECS).
      const partial = section['aws_access_key_id'] !== undefined || section['aws_secret_access_key'] !== undefined;
      r.trace.push(`profile "${link.name}" holds no credentials of its own`);
      if (partial) {
        r.findings.push({
          cause: 'no-credentials', severity: 'warn',
          message: `Profile "${link.name}" has only half of a key pair (aws_access_key_id and aws_secret_access_key go together); Terraform ignores it.`,
          file: link.definedIn[0],
          fix: `aws configure --profile ${link.name}`,
        });
      }
      fallBackToContainerOrImds(ctx, r);
    }
  }
}

function readStaticKeys(files: AwsFiles, section: Section, name: string, r: Resolution): void {
  setKey(r, section['aws_access_key_id'] ?? '', Boolean(section['aws_session_token'] ?? section['aws_security_token']));
  for (const problem of secretProblems(section['aws_secret_access_key'] ?? '')) {
    r.findings.push({ cause: 'wrong-credentials', severity: 'error', message: `The aws_secret_access_key of profile "${name}" ${problem}: AWS will reject the signature.`, evidence: 'aws_secret_access_key (value hidden)', fix: `aws configure --profile ${name}` });
  }
  const file = files.credentials[name] ? files.credentialsPath : files.configPath;
  const exp = fileExpiry(section, file, r.findings);
  if (exp) addExpiry(r, exp, true);
}

function readSso(ctx: Context, files: AwsFiles, link: ProfileLink, r: Resolution): void {
  let key: string | undefined;
  if (link.ssoSession) {
    const session = files.ssoSessions[link.ssoSession];
    if (!session) {
      r.failsOffline = true;
      r.findings.push({ cause: 'config', severity: 'error', file: files.configPath, message: `Profile "${link.name}" names sso_session "${link.ssoSession}", but there is no [sso-session ${link.ssoSession}] section.`, fix: `aws configure sso-session` });
      return;
    }
    key = link.ssoSession;
  } else {
    key = link.ssoStartUrl;
  }
  if (!key) return;
  const token = readSsoToken(ctx, key, link.kind === 'sso', r.findings);
  const loginFix = `aws sso login --profile ${link.name}`;
  if (!token.present) {
    r.failsOffline = true;
    r.findings.push({ cause: 'expired-credentials', severity: 'error', message: `No SSO session for profile "${link.name}": you have not logged in (no token in ~/.aws/sso/cache).`, evidence: token.path, fix: loginFix });
    return;
  }
  if (token.expiry) addExpiry(r, token.expiry, true);
}

function checkTokenFile(ctx: Context, path: string, r: Resolution): void {
  const read = ctx.readFile(path);
  if (!read.ok) {
    r.failsOffline = true;
    r.findings.push({ cause: 'no-credentials', severity: 'error', file: path, message: `The web identity token file ${path} ${read.error}.`, fix: 'Check AWS_WEB_IDENTITY_TOKEN_FILE / web_identity_token_file.' });
  }
}

function fallBackToContainerOrImds(ctx: Context, r: Resolution): void {
  const why = r.profile ? `profile "${r.profile}" yields nothing` : 'no "default" profile';
  if (nonEmpty(ctx.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) || nonEmpty(ctx.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'])) {
    r.source = 'container';
    r.trace.push(`${why}: container credentials (AWS_CONTAINER_CREDENTIALS_*)`);
    return;
  }
  r.source = 'imds';
  r.trace.push(`${why}: Terraform falls back to the EC2 instance metadata service`);
  if ((ctx.env['AWS_EC2_METADATA_DISABLED'] ?? '').toLowerCase() === 'true') {
    r.source = 'none';
    r.failsOffline = true;
  }
  r.findings.push({
    cause: 'no-credentials', severity: r.source === 'none' ? 'error' : 'warn',
    message: r.profile
      ? `Profile "${r.profile}" holds no credentials (no keys, sso, role, credential_process or credential_source). Outside EC2/ECS Terraform fails with "No valid credential sources found".`
      : 'No credentials are configured: no environment keys, no AWS_PROFILE and no "default" profile. Outside EC2/ECS Terraform fails with "No valid credential sources found".',
    fix: r.profile ? `aws configure --profile ${r.profile}` : 'aws configure  # or: export AWS_PROFILE=<profile>',
  });
}

function resolveRegion(ctx: Context, files: AwsFiles, providerRegion: string | undefined, r: Resolution): void {
  const envRegion = nonEmpty(ctx.env['AWS_REGION']);
  const defRegion = nonEmpty(ctx.env['AWS_DEFAULT_REGION']);
  if (envRegion && defRegion && envRegion !== defRegion) {
    r.findings.push({ code: 'region-vars-disagree', cause: 'sts-region', severity: 'info', message: `AWS_REGION=${envRegion} and AWS_DEFAULT_REGION=${defRegion} disagree; Terraform uses AWS_REGION.`, evidence: `AWS_REGION=${envRegion}, AWS_DEFAULT_REGION=${defRegion}`, fix: 'unset AWS_DEFAULT_REGION' });
  }
  // The Go SDK reads the selected profile's region even when env keys supply the credentials.
  const profileName = r.profile ?? r.shadowedProfile;
  const candidates: Array<[string | undefined, string]> = [
    [providerRegion, 'provider region'],
    [envRegion, 'AWS_REGION'],
    [defRegion, 'AWS_DEFAULT_REGION'],
    [profileName ? nonEmpty(profileSection(files, profileName)?.['region']) : undefined, `region of profile ${profileName ?? ''}`],
  ];
  for (const [value, source] of candidates) {
    if (value) {
      r.region = value;
      r.regionSource = source;
      return;
    }
  }
}

function addExpiry(r: Resolution, exp: Expiry, decisive: boolean): void {
  r.expiries.push(exp);
  if (decisive && (!r.expiry || exp.at < r.expiry.at)) r.expiry = exp;
}

/** Expired credentials are findings; refreshable SSO sessions are not (yet) failures. */
function pickEffectiveExpiry(ctx: Context, r: Resolution): void {
  const first = r.chain[0];
  if (first?.roleArn) {
    const cli = cliCacheExpiry(ctx, first.roleArn, r.findings);
    if (cli) r.expiries.push({ ...cli, source: `${cli.source} (AWS CLI cache; Terraform assumes the role itself)` });
  }
  const exp = r.expiry;
  if (!exp || exp.at > ctx.now()) return;
  if (exp.refreshable) {
    r.trace.push(`the SSO access token expired but can be refreshed silently (${exp.source})`);
    return;
  }
  r.failsOffline = true;
  const ssoLink = r.chain.find((l) => l.kind === 'sso' || l.kind === 'sso-legacy');
  const fix = ssoLink
    ? `aws sso login --profile ${ssoLink.name}`
    : r.source === 'env'
      ? 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN  # then start a new session (aws-vault exec / granted / awsume)'
      : `refresh the session credentials of profile ${r.profile ?? ''}`;
  r.findings.push({
    cause: 'expired-credentials', severity: 'error',
    message: `The credentials expired at ${new Date(exp.at).toISOString()} (${exp.source}).`,
    evidence: exp.source,
    fix,
  });
}
