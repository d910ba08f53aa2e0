// The structural rules, shared by native HCL and Terraform JSON: both are turned into the same
// small view (ConfigBody) and checked here. Provider / backend / remote-state credentials,
// variable defaults, tfvars assignments.
import type { RawFinding } from './types.js';
import type { RuleId } from './rules.js';
import {
  CREDENTIAL_ATTRIBUTES,
  WEB_IDENTITY_ATTRIBUTE,
  WEB_IDENTITY_BLOCK,
  isCredentialName,
  isExampleKey,
  isKeyId,
  isKeyShaped,
} from './rules.js';
import { hardCodedCredential, keyShapedLiteral, type Literal, type ValueInfo } from './values.js';

/** An attribute or block, from HCL or JSON. A nested body comes from a block or an object value. */
export interface ConfigEntry {
  name: string;
  labels: string[];
  value?: ValueInfo;
  body?: ConfigBody;
  /** `true`, `42`, a bare identifier: the text of a single-token value. */
  scalar?: string;
  start: number;
  end: number;
}

export interface ConfigBody {
  entries: ConfigEntry[];
  start: number;
  end: number;
}

/** A variable default that hard-codes a literal: a finding only if the variable reaches a credential. */
export interface DefaultCandidate {
  name: string;
  literal: Literal;
  start: number;
  end: number;
}

/** What the rules of one file produce, plus the facts the cross-file variable rule needs. */
export interface RuleSink {
  findings: RawFinding[];
  /** var names read by credential attributes -> true while every such read is in an emulator block. */
  credentialVarRefs: Map<string, boolean>;
  defaultCandidates: DefaultCandidate[];
  emulatorExemption: boolean;
}

export function newSink(emulatorExemption: boolean): RuleSink {
  return { findings: [], credentialVarRefs: new Map(), defaultCandidates: [], emulatorExemption };
}

export type CredentialPlace = 'provider' | 'backend' | 'remote-state';

const PLACE_RULE: Record<CredentialPlace, RuleId> = {
  provider: 'aws-provider-static-credentials',
  backend: 'aws-backend-static-credentials',
  'remote-state': 'aws-backend-static-credentials',
};

function entryText(entry: ConfigEntry | undefined): string | undefined {
  return entry?.scalar ?? entry?.value?.plain?.text;
}

function find(body: ConfigBody, name: string): ConfigEntry | undefined {
  return body.entries.find((e) => e.name === name);
}

/** Describe a provider "aws" body, with its alias when it has one. */
export function providerLabel(body: ConfigBody): string {
  const alias = entryText(find(body, 'alias'));
  return alias ? `provider "aws" (alias "${alias}")` : 'provider "aws"';
}

export function checkCredentialBody(body: ConfigBody, place: CredentialPlace, label: string, sink: RuleSink): void {
  const emulator = sink.emulatorExemption && isEmulatorBody(body);
  const block = place === 'provider' ? { start: body.start, end: body.end } : undefined;
  const check = (entry: ConfigEntry, where: string): void => {
    if (!entry.value) return;
    for (const name of entry.value.varRefs) {
      sink.credentialVarRefs.set(name, (sink.credentialVarRefs.get(name) ?? true) && emulator);
    }
    const literal = hardCodedCredential(entry.value);
    if (!literal) return;
    // local emulators (LocalStack, moto) take any dummy value; a real-looking key still counts
    if (emulator && !isKeyShaped(literal.text)) return;
    sink.findings.push({
      rule: PLACE_RULE[place],
      at: literal.at,
      start: entry.value.start,
      end: entry.value.end,
      value: literal.text,
      where,
      ...(block ? { block } : {}),
    });
  };
  for (const entry of body.entries) {
    if (CREDENTIAL_ATTRIBUTES.has(entry.name)) check(entry, `${label} ${entry.name}`);
    if (entry.name === WEB_IDENTITY_BLOCK && entry.body) {
      for (const inner of entry.body.entries) {
        if (inner.name === WEB_IDENTITY_ATTRIBUTE) check(inner, `${label} ${WEB_IDENTITY_BLOCK}.${WEB_IDENTITY_ATTRIBUTE}`);
      }
    }
  }
}

const LOCAL_ENDPOINT = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|localstack|host\.docker\.internal|[\w.-]+\.localhost)(?::\d+)?(?:\/|$)/i;

/** A block for a local emulator: skips credential validation or talks to localhost only. */
function isEmulatorBody(body: ConfigBody): boolean {
  if (entryText(find(body, 'skip_credentials_validation')) === 'true') return true;
  return body.entries.some((e) => (e.name === 'endpoints' || e.name.endsWith('endpoint')) && pointsAtLocalhost(e));
}

function pointsAtLocalhost(entry: ConfigEntry): boolean {
  const text = entry.value?.plain?.text;
  if (text !== undefined && LOCAL_ENDPOINT.test(text.trim())) return true;
  return entry.body?.entries.some(pointsAtLocalhost) ?? false;
}

/**
 * `variable "x" { default = … }`: a key-shaped default is a finding right away (a 40-char
 * secret or a token only under a credential-like name); any other literal is remembered in
 * case the variable reaches a credential attribute (resolved across files by the engine).
 */
export function checkVariableDefault(name: string, entry: ConfigEntry, sink: RuleSink): void {
  const where = `variable "${name}" default`;
  if (entry.body) {
    for (const literal of literalsIn(entry.body)) {
      if (isKeyShaped(literal.value.text) && !isExampleKey(literal.value.text)) push(sink, 'aws-credentials-in-variable-default', literal.value, literal.info, where);
    }
    return;
  }
  const value = entry.value;
  if (!value) return;
  const key = keyShapedLiteral(value);
  if (key && (isKeyId(key.text) || isCredentialName(name))) {
    push(sink, 'aws-credentials-in-variable-default', key, value, where);
    return;
  }
  if (value.plain && value.plain.text.trim() !== '') {
    sink.defaultCandidates.push({ name, literal: value.plain, start: value.start, end: value.end });
  }
}

/** A `.tfvars` assignment: key-shaped values anywhere, and any literal for a credential name. */
export function checkTfvarsEntry(entry: ConfigEntry, sink: RuleSink, path = entry.name): void {
  if (entry.body) {
    for (const inner of entry.body.entries) checkTfvarsEntry(inner, sink, `${path}.${inner.name}`);
    return;
  }
  const value = entry.value;
  if (!value) return;
  const literal = keyShapedLiteral(value) ?? (isCredentialName(entry.name) ? hardCodedCredential(value) : undefined);
  // the AWS documentation's example keys are only findings inside a provider or backend
  if (literal && !isExampleKey(literal.text)) push(sink, 'aws-credentials-in-tfvars', literal, value, `tfvars "${path}"`);
}

function push(sink: RuleSink, rule: RuleId, literal: Literal, value: ValueInfo, where: string): void {
  sink.findings.push({ rule, at: literal.at, start: value.start, end: value.end, value: literal.text, where });
}

function* literalsIn(body: ConfigBody): Generator<{ value: Literal; info: ValueInfo }> {
  for (const entry of body.entries) {
    if (entry.body) yield* literalsIn(entry.body);
    const info = entry.value;
    if (!info) continue;
    for (const lit of info.plain ? [info.plain, ...info.nested] : info.nested) yield { value: lit, info };
  }
}
