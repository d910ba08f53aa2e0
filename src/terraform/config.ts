// What doctor needs to know from the root module's Terraform configuration: every
// `provider "aws"` block (default and aliases) and the `backend "s3"` settings, with each value
// traced to its file and attribute. Root module only: `module` sources are not followed.
//
// Values: literals as written; `var.x` resolved the way Terraform assigns root variables
// (later wins): TF_VAR_x < terraform.tfvars < terraform.tfvars.json < *.auto.tfvars(.json) in
// lexical order < -var / -var-file in command-line order (when the caller knows them: doctor's
// and check's --var/--var-file, or the terraform command line exec runs), falling back to the
// declaration's `default`; `local.x` resolved when its own expression is. Anything else (data
// sources, functions) is reported as `{ unknown: "<expr>" }` — never guessed.
import { resolve as resolvePath } from 'node:path';
import { readFileSafe, listDirSafe, type Env, type FileRead } from '../core/context.js';
import { parseHclText, parseJsonText, type Json } from './hcl.js';
import {
  evaluate,
  makeSecret,
  stripInterp,
  asString,
  asBool,
  asStringList,
  type Known,
  type Value,
  type Origin,
  type VarSource,
  type Resolver,
  type SecretValue,
} from './values.js';

export interface ConfigProblem {
  file: string;
  message: string;
}

export interface AssumeRoleConfig {
  roleArn?: Value<string>;
  externalId?: Value<string>;
  /** as written (`"1h"`); Terraform's duration syntax */
  duration?: Value<string>;
  /** legacy seconds form (backend `assume_role_duration_seconds`, provider `duration_seconds`) */
  durationSeconds?: Value<string>;
  sessionName?: Value<string>;
  origin: Origin;
}

export interface WebIdentityConfig {
  roleArn?: Value<string>;
  sessionName?: Value<string>;
  webIdentityTokenFile?: Value<string>;
  webIdentityToken?: SecretValue;
  duration?: Value<string>;
  origin: Origin;
}

export interface AwsCredentialSettings {
  /** the file holding the block */
  file: string;
  profile?: Value<string>;
  region?: Value<string>;
  stsRegion?: Value<string>;
  sharedConfigFiles?: Value<string[]>;
  sharedCredentialsFiles?: Value<string[]>;
  accessKey?: SecretValue;
  secretKey?: SecretValue;
  token?: SecretValue;
  /** in order; more than one block means role chaining */
  assumeRole: AssumeRoleConfig[];
  assumeRoleWithWebIdentity?: WebIdentityConfig;
  allowedAccountIds?: Value<string[]>;
  forbiddenAccountIds?: Value<string[]>;
  skipCredentialsValidation?: Value<boolean>;
  skipRequestingAccountId?: Value<boolean>;
  /** endpoints.sts (provider and backend), or the backend's legacy sts_endpoint */
  endpointsSts?: Value<string>;
  /** endpoints.iam (doctor's IAM key-status check goes there), or the backend's legacy iam_endpoint */
  endpointsIam?: Value<string>;
}

export interface AwsProviderConfig extends AwsCredentialSettings {
  kind: 'provider';
  /** undefined for the default `aws` provider */
  alias?: string;
  /** `aws` or `aws.<alias>` */
  address: string;
  skipMetadataApiCheck?: Value<boolean>;
  maxRetries?: Value<string>;
}

export interface S3BackendConfig extends AwsCredentialSettings {
  kind: 's3';
  bucket?: Value<string>;
  key?: Value<string>;
}

export interface OtherBackend {
  kind: 'other';
  type: string;
  file: string;
}

export interface TerraformConfig {
  dir: string;
  /** .tf / .tf.json files read, relative to dir, in load order */
  files: string[];
  /** variable definition files that took part, in precedence order (lowest first) */
  varFiles: string[];
  providers: AwsProviderConfig[];
  backend?: S3BackendConfig | OtherBackend;
  /** files that could not be read or parsed — the rest of the config is still reported */
  errors: ConfigProblem[];
  /** things worth knowing (duplicate provider blocks, null-valued variables, …) */
  notes: ConfigProblem[];
}

export interface ConfigIo {
  readFile?: (path: string) => FileRead;
  listDir?: (path: string) => string[];
  /** for TF_VAR_x; omit to ignore the environment */
  env?: Env;
  /** -var and -var-file, in command-line order (var-file paths absolute or relative to dir) */
  cliVars?: CliVar[];
}

/** One `-var name=value` or `-var-file path` of a Terraform command line. */
export type CliVar = { kind: 'var'; name: string; value: string } | { kind: 'file'; path: string };


type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Blocks as hcl2json (arrays) or Terraform JSON (object or array) express them. */
function blocks(v: Json | undefined): Obj[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter(isObj);
  return isObj(v) ? [v] : [];
}

const isOverride = (f: string): boolean => /(^|_)override\.tf(\.json)?$/.test(f);

interface RawProvider {
  file: string;
  body: Obj;
}

interface VarDecl {
  file: string;
  hasDefault: boolean;
  default: Json;
  /** A complex type or `any`: -var and TF_VAR_ values are HCL; otherwise (no type, a primitive) literal strings. */
  hclValues: boolean;
}

/** Terraform's parsing mode for -var / TF_VAR_ values, from the declared `type` (hcl2json: "${list(string)}"). */
function hclValues(type: Json | undefined): boolean {
  if (typeof type !== 'string') return false;
  const t = type.replace(/^\$\{([^]*)\}$/, '$1').trim();
  return !/^(string|number|bool)$/.test(t);
}

/**
 * Read the root module in `dir`. Never throws for bad input: unreadable or malformed files are
 * listed in `errors` (naming the file) and the others are still used.
 */
export async function readTerraformConfig(dir: string, io: ConfigIo = {}): Promise<TerraformConfig> {
  const readFile = io.readFile ?? readFileSafe;
  const listDir = io.listDir ?? listDirSafe;
  const env = io.env ?? {};
  const names = listDir(dir)
    .filter((f) => !f.startsWith('.'))
    .sort();
  const tfFiles = names.filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'));
  const ordered = [...tfFiles.filter((f) => !isOverride(f)), ...tfFiles.filter(isOverride)];

  const cfg: TerraformConfig = { dir, files: [], varFiles: [], providers: [], errors: [], notes: [] };

  const parse = async (file: string): Promise<Obj | undefined> => {
    const r = readFile(resolvePath(dir, file));
    if (!r.ok) {
      cfg.errors.push({ file, message: `cannot read ${file}: ${r.error}` });
      return undefined;
    }
    const p = file.endsWith('.json') ? parseJsonText(r.text) : await parseHclText(r.text);
    if (!p.ok) {
      cfg.errors.push({ file, message: `cannot parse ${file}: ${p.error}` });
      return undefined;
    }
    return p.value;
  };

  const providers: RawProvider[] = [];
  const vars = new Map<string, VarDecl>();
  const locals = new Map<string, { file: string; value: Json }>();
  let backend: { type: string; file: string; body: Obj } | undefined;

  for (const file of ordered) {
    const doc = await parse(file);
    if (!doc) continue;
    cfg.files.push(file);
    const override = isOverride(file);

    // provider "aws" — `provider: { aws: [...] }` or (JSON) `provider: [{ aws: {...} }, …]`
    for (const section of blocks(doc['provider'])) {
      for (const body of blocks(section['aws'])) {
        if (override) {
          const alias = literalAlias(body);
          const target = providers.find((p) => literalAlias(p.body) === alias);
          if (target) {
            target.body = { ...target.body, ...body };
            target.file = file;
            continue;
          }
        }
        providers.push({ file, body });
      }
    }
    for (const vsection of blocks(doc['variable'])) {
      for (const [name, decl] of Object.entries(vsection)) {
        const d = blocks(decl)[0] ?? {};
        const prev = vars.get(name);
        if (override && prev) {
          if ('default' in d) vars.set(name, { ...prev, file, hasDefault: true, default: d['default'] ?? null });
          if ('type' in d) vars.set(name, { ...(vars.get(name) ?? prev), hclValues: hclValues(d['type']) });
        } else {
          vars.set(name, { file, hasDefault: 'default' in d, default: d['default'] ?? null, hclValues: hclValues(d['type']) });
        }
      }
    }
    for (const lsection of blocks(doc['locals'])) {
      for (const [name, value] of Object.entries(lsection)) locals.set(name, { file, value });
    }
    for (const tsection of blocks(doc['terraform'])) {
      for (const bsection of blocks(tsection['backend'])) {
        for (const [type, b] of Object.entries(bsection)) {
          const body = blocks(b)[0] ?? {};
          backend = override && backend && backend.type === type ? { type, file, body: { ...backend.body, ...body } } : { type, file, body };
        }
      }
      if (tsection['cloud'] !== undefined) backend = { type: 'cloud', file, body: {} };
    }
  }

  // ---- variable values, Terraform's precedence (later wins) ----
  const assigned = new Map<string, { value: Json; source: VarSource }>();
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('TF_VAR_') || v === undefined) continue;
    const name = k.slice('TF_VAR_'.length);
    if (!vars.has(name)) continue; // Terraform ignores TF_VAR_ for undeclared variables
    assigned.set(name, { value: await envVarValue(v, vars.get(name)?.hclValues ?? false), source: { ref: `var.${name}`, source: 'env', file: k } });
  }
  const autoFiles = names.filter((f) => f.endsWith('.auto.tfvars') || f.endsWith('.auto.tfvars.json')).sort();
  const varFiles = [...['terraform.tfvars', 'terraform.tfvars.json'].filter((f) => names.includes(f)), ...autoFiles];
  for (const file of varFiles) {
    const doc = await parse(file);
    if (!doc) continue;
    cfg.varFiles.push(file);
    for (const [name, value] of Object.entries(doc)) {
      if (!vars.has(name)) {
        cfg.notes.push({ file, message: `${file} assigns undeclared variable "${name}" (Terraform ignores it with a warning)` });
        continue;
      }
      assigned.set(name, { value, source: { ref: `var.${name}`, source: 'tfvars', file } });
    }
  }
  for (const cv of io.cliVars ?? []) {
    if (cv.kind === 'var') {
      if (!vars.has(cv.name)) {
        cfg.notes.push({ file: `-var ${cv.name}`, message: `-var assigns undeclared variable "${cv.name}" (Terraform stops with "Value for undeclared variable")` });
        continue;
      }
      assigned.set(cv.name, { value: await envVarValue(cv.value, vars.get(cv.name)?.hclValues ?? false), source: { ref: `var.${cv.name}`, source: 'cli', file: `-var ${cv.name}` } });
      continue;
    }
    const doc = await parse(cv.path);
    if (!doc) continue;
    cfg.varFiles.push(cv.path);
    for (const [name, value] of Object.entries(doc)) {
      if (!vars.has(name)) {
        cfg.notes.push({ file: cv.path, message: `${cv.path} assigns undeclared variable "${name}" (Terraform ignores it with a warning)` });
        continue;
      }
      assigned.set(name, { value, source: { ref: `var.${name}`, source: 'tfvars', file: cv.path } });
    }
  }

  const resolver: Resolver = {
    variable(name) {
      const a = assigned.get(name);
      if (a) return a;
      const d = vars.get(name);
      if (!d) return { missing: `variable "${name}" is not declared` };
      if (!d.hasDefault) return { missing: `variable "${name}" has no default and no value in tfvars or TF_VAR_${name} (it may come from -var)` };
      return { value: d.default, source: { ref: `var.${name}`, source: 'default', file: d.file } };
    },
    local(name, seen) {
      const l = locals.get(name);
      if (!l) return { missing: `local "${name}" is not defined` };
      const e = evaluate(l.value, resolver, seen);
      if (!e.ok) return { missing: `local.${name} = ${stripInterp(typeof l.value === 'string' ? l.value : JSON.stringify(l.value))}: ${e.reason}` };
      return { value: e.value, via: [{ ref: `local.${name}`, source: 'local', file: l.file }, ...e.via] };
    },
  };

  // ---- providers ----
  const seenAddr = new Map<string, string>();
  for (const p of providers) {
    const aliasRaw = p.body['alias'];
    const alias = typeof aliasRaw === 'string' && !aliasRaw.includes('${') ? aliasRaw : undefined;
    if (aliasRaw !== undefined && alias === undefined) {
      cfg.notes.push({ file: p.file, message: `provider "aws" in ${p.file} has a non-literal alias; treated as the default provider` });
    }
    const address = alias ? `aws.${alias}` : 'aws';
    const prev = seenAddr.get(address);
    if (prev) cfg.notes.push({ file: p.file, message: `duplicate provider configuration ${address} (also in ${prev}); Terraform rejects this` });
    seenAddr.set(address, p.file);
    const at = alias ? `provider "aws" (alias "${alias}")` : 'provider "aws"';
    const x = new Extractor(p.file, at, p.body, resolver, cfg);
    const provider: AwsProviderConfig = {
      kind: 'provider',
      address,
      ...(alias ? { alias } : {}),
      ...x.credentialSettings(),
    };
    assign(provider, 'skipMetadataApiCheck', x.bool('skip_metadata_api_check'));
    assign(provider, 'maxRetries', x.str('max_retries'));
    cfg.providers.push(provider);
  }

  // ---- backend ----
  if (backend) {
    if (backend.type !== 's3') cfg.backend = { kind: 'other', type: backend.type, file: backend.file };
    else {
      const x = new Extractor(backend.file, 'backend "s3"', backend.body, resolver, cfg);
      const s3: S3BackendConfig = { kind: 's3', ...x.credentialSettings({ backend: true }) };
      assign(s3, 'bucket', x.str('bucket'));
      assign(s3, 'key', x.str('key'));
      cfg.backend = s3;
    }
  }
  return cfg;
}

function assign<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function literalAlias(body: Obj): string | undefined {
  const a = body['alias'];
  return typeof a === 'string' ? a : undefined;
}

/**
 * TF_VAR_x and -var, as Terraform reads them: a literal string for a variable with no type or
 * a primitive one; HCL for a complex type or `any` (an unparsable value stays a string).
 */
async function envVarValue(raw: string, hcl: boolean): Promise<Json> {
  if (!hcl) return raw;
  const p = await parseHclText(`v = ${raw.trim()}\n`);
  return p.ok && p.value['v'] !== undefined ? p.value['v'] : raw;
}

class Extractor {
  constructor(
    private readonly file: string,
    private readonly at: string,
    private readonly body: Obj,
    private readonly r: Resolver,
    private readonly cfg: TerraformConfig,
  ) {}

  private origin(path: string, via: VarSource[] = []): Origin {
    const o: Origin = { file: this.file, attribute: `${this.at}.${path}` };
    if (via.length) o.via = via;
    return o;
  }

  /** Evaluate `path` (dot-separated, through nested blocks/objects) into a typed Value. */
  private value<T>(path: string, convert: (v: Json) => T | undefined, typeName: string, body: Obj = this.body, prefix = ''): Value<T> | undefined {
    const raw = body[path];
    if (raw === undefined) return undefined;
    const full = prefix + path;
    const e = evaluate(raw, this.r);
    if (!e.ok) return { unknown: stripInterp(e.expr), origin: this.origin(full), reason: e.reason };
    if (e.value === null) {
      this.cfg.notes.push({ file: this.file, message: `${this.at}.${full} is null (treated as not set)` });
      return undefined;
    }
    const v = convert(e.value);
    if (v === undefined) return { unknown: JSON.stringify(e.value), origin: this.origin(full, e.via), reason: `not a ${typeName}` };
    const k: Known<T> = { value: v, origin: this.origin(full, e.via), literal: e.via.length === 0 };
    return k;
  }

  str(path: string, body?: Obj, prefix?: string): Value<string> | undefined {
    return this.value(path, asString, 'string', body, prefix);
  }
  bool(path: string, body?: Obj, prefix?: string): Value<boolean> | undefined {
    return this.value(path, asBool, 'bool', body, prefix);
  }
  list(path: string, body?: Obj, prefix?: string): Value<string[]> | undefined {
    return this.value(path, asStringList, 'list of strings', body, prefix);
  }

  secret(path: string, kind: 'keyId' | 'secret', body: Obj = this.body, prefix = ''): SecretValue | undefined {
    const raw = body[path];
    if (raw === undefined) return undefined;
    const full = prefix + path;
    const e = evaluate(raw, this.r);
    if (!e.ok) return makeSecret(undefined, kind, this.origin(full), false, stripInterp(e.expr));
    if (e.value === null) return undefined;
    const s = asString(e.value);
    if (s === undefined) return makeSecret(undefined, kind, this.origin(full, e.via), false, 'non-string value');
    return makeSecret(s, kind, this.origin(full, e.via), e.via.length === 0);
  }

  /** A nested block (`assume_role { }`) or object attribute (`assume_role = { }`). */
  private nested(name: string): Obj[] {
    const raw = this.body[name];
    if (raw === undefined) return [];
    // an object attribute written as a whole reference (`assume_role = var.ar`)
    if (typeof raw === 'string') {
      const e = evaluate(raw, this.r);
      if (e.ok && isObj(e.value)) return [e.value];
      if (e.ok && Array.isArray(e.value)) return e.value.filter(isObj);
      this.cfg.notes.push({ file: this.file, message: `${this.at}.${name} = ${stripInterp(raw)} cannot be evaluated offline` });
      return [];
    }
    return blocks(raw);
  }

  credentialSettings(opts: { backend?: boolean } = {}): AwsCredentialSettings {
    const s: AwsCredentialSettings = { file: this.file, assumeRole: [] };
    assign(s, 'profile', this.str('profile'));
    assign(s, 'region', this.str('region'));
    assign(s, 'stsRegion', this.str('sts_region'));
    assign(s, 'sharedConfigFiles', this.list('shared_config_files'));
    assign(s, 'sharedCredentialsFiles', this.list('shared_credentials_files'));
    if (opts.backend && s.sharedCredentialsFiles === undefined) {
      const legacy = this.str('shared_credentials_file');
      if (legacy) {
        s.sharedCredentialsFiles =
          'value' in legacy ? { ...legacy, value: [legacy.value] } : { ...legacy };
      }
    }
    assign(s, 'accessKey', this.secret('access_key', 'keyId'));
    assign(s, 'secretKey', this.secret('secret_key', 'secret'));
    assign(s, 'token', this.secret('token', 'secret'));
    assign(s, 'allowedAccountIds', this.list('allowed_account_ids'));
    assign(s, 'forbiddenAccountIds', this.list('forbidden_account_ids'));
    assign(s, 'skipCredentialsValidation', this.bool('skip_credentials_validation'));
    assign(s, 'skipRequestingAccountId', this.bool('skip_requesting_account_id'));

    const ar = this.nested('assume_role');
    ar.forEach((b, i) => {
      const pre = ar.length > 1 || !opts.backend ? `assume_role[${i}].` : 'assume_role.';
      const a: AssumeRoleConfig = { origin: this.origin(pre.slice(0, -1)) };
      assign(a, 'roleArn', this.str('role_arn', b, pre));
      assign(a, 'externalId', this.str('external_id', b, pre));
      assign(a, 'duration', this.str('duration', b, pre));
      assign(a, 'durationSeconds', this.str('duration_seconds', b, pre));
      assign(a, 'sessionName', this.str('session_name', b, pre));
      s.assumeRole.push(a);
    });
    if (opts.backend && ar.length === 0 && this.body['role_arn'] !== undefined) {
      // pre-1.6 backend form: role_arn / session_name / external_id / assume_role_duration_seconds at top level
      const a: AssumeRoleConfig = { origin: this.origin('role_arn') };
      assign(a, 'roleArn', this.str('role_arn'));
      assign(a, 'externalId', this.str('external_id'));
      assign(a, 'sessionName', this.str('session_name'));
      assign(a, 'durationSeconds', this.str('assume_role_duration_seconds'));
      s.assumeRole.push(a);
    }
    const wi = this.nested('assume_role_with_web_identity')[0];
    if (wi) {
      const pre = opts.backend ? 'assume_role_with_web_identity.' : 'assume_role_with_web_identity[0].';
      const w: WebIdentityConfig = { origin: this.origin(pre.slice(0, -1)) };
      assign(w, 'roleArn', this.str('role_arn', wi, pre));
      assign(w, 'sessionName', this.str('session_name', wi, pre));
      assign(w, 'webIdentityTokenFile', this.str('web_identity_token_file', wi, pre));
      assign(w, 'webIdentityToken', this.secret('web_identity_token', 'secret', wi, pre));
      assign(w, 'duration', this.str('duration', wi, pre));
      s.assumeRoleWithWebIdentity = w;
    }
    const ep = this.nested('endpoints')[0];
    if (ep) assign(s, 'endpointsSts', this.str('sts', ep, 'endpoints.'));
    if (ep) assign(s, 'endpointsIam', this.str('iam', ep, 'endpoints.'));
    if (s.endpointsSts === undefined && opts.backend) assign(s, 'endpointsSts', this.str('sts_endpoint'));
    if (s.endpointsIam === undefined && opts.backend) assign(s, 'endpointsIam', this.str('iam_endpoint'));
    return s;
  }
}

/** The provider configuration `address` (`aws` or `aws.west`) refers to, if declared. */
export function findProvider(cfg: TerraformConfig, address = 'aws'): AwsProviderConfig | undefined {
  return cfg.providers.find((p) => p.address === address);
}
