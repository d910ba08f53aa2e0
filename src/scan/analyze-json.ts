// Terraform JSON syntax (.tf.json, .tfvars.json): the same rules as native syntax, reached
// through JSON's nesting (`provider.aws[]`, `terraform.backend.s3`, `data.terraform_remote_state.*`).
import { entriesOf, member, objectsOf, parseJson, type JsonNode } from './json-scanner.js';
import { valueOfJsonString } from './values.js';
import {
  checkCredentialBody,
  checkTfvarsEntry,
  checkVariableDefault,
  providerLabel,
  type ConfigBody,
  type ConfigEntry,
  type RuleSink,
} from './structure-rules.js';

export interface JsonProblem {
  message: string;
  at: number;
}

export function analyzeJson(text: string, tfvars: boolean, sink: RuleSink): JsonProblem[] {
  const { root, error } = parseJson(text);
  if (tfvars) {
    for (const entry of toConfigBody(root).entries) checkTfvarsEntry(entry, sink);
  } else {
    checkProviders(root, sink);
    checkBackends(root, sink);
    checkRemoteStates(root, sink);
    checkVariables(root, sink);
  }
  return error ? [{ message: `invalid JSON: ${error.message}`, at: error.at }] : [];
}

function checkProviders(root: JsonNode | undefined, sink: RuleSink): void {
  for (const providers of objectsOf(member(root, 'provider'))) {
    for (const config of objectsOf(member(providers, 'aws'))) {
      const body = toConfigBody(config);
      checkCredentialBody(body, 'provider', providerLabel(body), sink);
    }
  }
}

function checkBackends(root: JsonNode | undefined, sink: RuleSink): void {
  for (const terraform of objectsOf(member(root, 'terraform'))) {
    for (const backend of objectsOf(member(terraform, 'backend'))) {
      for (const s3 of objectsOf(member(backend, 's3'))) checkCredentialBody(toConfigBody(s3), 'backend', 'backend "s3"', sink);
    }
  }
}

function checkRemoteStates(root: JsonNode | undefined, sink: RuleSink): void {
  for (const data of objectsOf(member(root, 'data'))) {
    for (const states of objectsOf(member(data, 'terraform_remote_state'))) {
      for (const { key, value } of entriesOf(states)) {
        for (const state of objectsOf(value)) {
          const backend = member(state, 'backend');
          if (backend?.kind === 'string' && backend.value !== 's3') continue;
          for (const config of objectsOf(member(state, 'config'))) {
            checkCredentialBody(toConfigBody(config), 'remote-state', `terraform_remote_state "${key}" config`, sink);
          }
        }
      }
    }
  }
}

function checkVariables(root: JsonNode | undefined, sink: RuleSink): void {
  for (const variables of objectsOf(member(root, 'variable'))) {
    for (const { key, value } of entriesOf(variables)) {
      for (const variable of objectsOf(value)) {
        const fallback = toConfigBody(variable).entries.find((e) => e.name === 'default');
        if (fallback) checkVariableDefault(key, fallback, sink);
      }
    }
  }
}

function toConfigBody(node: JsonNode | undefined): ConfigBody {
  if (node === undefined) return { entries: [], start: 0, end: 0 };
  const entries: ConfigEntry[] = [];
  for (const { key, keyStart, value } of entriesOf(node)) {
    const base = { name: key, labels: [], start: keyStart, end: value.end };
    if (value.kind === 'string') entries.push({ ...base, value: valueOfJsonString(value.value, value.start, value.end) });
    else if (value.kind === 'scalar') entries.push({ ...base, scalar: value.text });
    else if (value.kind === 'object') entries.push({ ...base, body: toConfigBody(value) });
    else for (const item of objectsOf(value)) entries.push({ ...base, body: toConfigBody(item) });
  }
  return { entries, start: node.start, end: node.end };
}
