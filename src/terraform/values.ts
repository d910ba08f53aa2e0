// Values read from Terraform configuration, with where they came from.
// A value is either known (a literal, or a `var.x`/`local.x` resolved from declarations,
// tfvars or TF_VAR_x) or unknown (an expression we cannot evaluate: reported, never guessed).
import { maskKeyId, maskSecret } from '../core/mask.js';
import type { Json } from './hcl.js';

export type VarSourceKind = 'default' | 'env' | 'tfvars' | 'cli' | 'local';

/** How a `var.x` / `local.x` got its value. */
export interface VarSource {
  /** `var.region` / `local.profile` */
  ref: string;
  source: VarSourceKind;
  /** the file that supplied the value (tfvars or the declaring .tf file); `TF_VAR_x` for env; `-var x` for the command line */
  file: string;
}

export interface Origin {
  /** path relative to the module directory, e.g. `main.tf` */
  file: string;
  /** e.g. `provider "aws" (alias "west").assume_role[0].role_arn` or `backend "s3".profile` */
  attribute: string;
  /** set when the value came through variables/locals, outermost reference first */
  via?: VarSource[];
}

export interface Known<T> {
  value: T;
  origin: Origin;
  /** true when written literally in the block (no variable or local involved) */
  literal: boolean;
}

export interface Unknown {
  /** the unevaluated expression, e.g. `var.region` or `data.aws_ssm_parameter.x.value` */
  unknown: string;
  origin: Origin;
  /** why it is unknown */
  reason: string;
}

export type Value<T> = Known<T> | Unknown;

export function isKnown<T>(v: Value<T> | undefined): v is Known<T> {
  return v !== undefined && 'value' in v;
}

/**
 * A credential from the config (access_key, secret_key, token, web_identity_token).
 * The raw text is held in a non-enumerable property: JSON.stringify and util.inspect never show
 * it; use revealSecret() where the check needs it (e.g. to call STS), never for output.
 */
export interface SecretValue {
  secret: true;
  /** written literally in the config (the scan/doctor finding "hard-coded credentials") */
  literal: boolean;
  /** present but not evaluable (e.g. a data source): the expression text */
  unknown?: string;
  /** masked form for output: `AKIA…7QZD` for key ids, `<40 chars hidden>` for secrets */
  masked: string;
  origin: Origin;
}

const SECRET = Symbol('credguard.secret');

export function makeSecret(raw: string | undefined, kind: 'keyId' | 'secret', origin: Origin, literal: boolean, unknown?: string): SecretValue {
  const s: SecretValue = {
    secret: true,
    literal,
    masked: raw === undefined ? '<unknown>' : kind === 'keyId' ? maskKeyId(raw) : maskSecret(raw),
    origin,
  };
  if (unknown !== undefined) s.unknown = unknown;
  Object.defineProperty(s, SECRET, { value: raw, enumerable: false });
  return s;
}

/** The raw secret text, for the one place that must use it. Undefined when unknown. */
export function revealSecret(s: SecretValue | undefined): string | undefined {
  if (!s) return undefined;
  return (s as unknown as Record<symbol, string | undefined>)[SECRET];
}

// ---------------------------------------------------------------------------------------------
// expressions

export type Scalar = string | number | boolean;

export interface Resolver {
  /** value of `var.name`, or undefined when it has none we can know */
  variable(name: string): { value: Json; source: VarSource } | { missing: string } ;
  local(name: string, seen: Set<string>): { value: Json; via: VarSource[] } | { missing: string };
}

const SINGLE_REF = /^\$\{\s*(var|local)\.([A-Za-z_][\w-]*)\s*\}$/;
const INTERP = /\$\{([^}]*)\}/g;

export type Evaluated = { ok: true; value: Json; via: VarSource[] } | { ok: false; expr: string; reason: string };

/**
 * Evaluate an hcl2json value: literals as-is; `${var.x}` / `${local.x}` through the resolver;
 * strings mixing literal text and such references are interpolated when every part is known;
 * anything else (functions, data sources, conditionals, `%{}` directives) is unknown.
 */
export function evaluate(v: Json, r: Resolver, seen: Set<string> = new Set()): Evaluated {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return { ok: true, value: v, via: [] };
  if (typeof v === 'string') {
    if (!v.includes('${') && !v.includes('%{')) return { ok: true, value: v, via: [] };
    if (v.includes('%{')) return { ok: false, expr: v, reason: 'template directive' };
    const single = SINGLE_REF.exec(v);
    if (single) return evalRef(single[1] as 'var' | 'local', single[2] ?? '', r, seen);
    // interpolation inside a string: all parts must be var/local references with scalar values
    let out = '';
    let last = 0;
    const via: VarSource[] = [];
    for (const m of v.matchAll(INTERP)) {
      out += v.slice(last, m.index);
      last = (m.index ?? 0) + m[0].length;
      const ref = SINGLE_REF.exec(m[0]);
      if (!ref) return { ok: false, expr: stripInterp(v), reason: `expression \`${(m[1] ?? '').trim()}\` cannot be evaluated offline` };
      const e = evalRef(ref[1] as 'var' | 'local', ref[2] ?? '', r, seen);
      if (!e.ok) return e;
      if (e.value === null || typeof e.value === 'object') return { ok: false, expr: stripInterp(v), reason: `${ref[1]}.${ref[2]} is not a string` };
      out += String(e.value);
      via.push(...e.via);
    }
    out += v.slice(last);
    return { ok: true, value: out, via };
  }
  if (Array.isArray(v)) {
    const out: Json[] = [];
    const via: VarSource[] = [];
    for (const item of v) {
      const e = evaluate(item, r, seen);
      if (!e.ok) return e;
      out.push(e.value);
      via.push(...e.via);
    }
    return { ok: true, value: out, via };
  }
  const out: { [k: string]: Json } = {};
  const via: VarSource[] = [];
  for (const [k, item] of Object.entries(v)) {
    const e = evaluate(item, r, seen);
    if (!e.ok) return e;
    out[k] = e.value;
    via.push(...e.via);
  }
  return { ok: true, value: out, via };
}

function evalRef(kind: 'var' | 'local', name: string, r: Resolver, seen: Set<string>): Evaluated {
  const ref = `${kind}.${name}`;
  if (kind === 'var') {
    const got = r.variable(name);
    if ('missing' in got) return { ok: false, expr: ref, reason: got.missing };
    return { ok: true, value: got.value, via: [got.source] };
  }
  if (seen.has(ref)) return { ok: false, expr: ref, reason: 'reference cycle' };
  const next = new Set(seen).add(ref);
  const got = r.local(name, next);
  if ('missing' in got) return { ok: false, expr: ref, reason: got.missing };
  return { ok: true, value: got.value, via: got.via };
}

/** `${var.x}` -> `var.x`; other strings unchanged (for readable unknowns). */
export function stripInterp(v: string): string {
  const m = /^\$\{\s*([\s\S]*?)\s*\}$/.exec(v);
  return m && !m[1]?.includes('${') ? (m[1] ?? v) : v;
}

// ---------------------------------------------------------------------------------------------
// typed views

export function asString(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asBool(v: Json): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function asStringList(v: Json): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const item of v) {
    const s = asString(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/** The masked, output-safe view of any value (secrets show only their masked text). */
export function displayValue(v: Value<unknown> | SecretValue | undefined): string {
  if (v === undefined) return '(not set)';
  if ('secret' in v) return v.unknown !== undefined ? `<${v.unknown}>` : v.masked;
  if ('unknown' in v) return `<unknown: ${v.unknown}>`;
  return typeof v.value === 'string' ? v.value : JSON.stringify(v.value);
}
