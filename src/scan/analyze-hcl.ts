// Terraform native syntax (.tf, .tfvars): lex, build the light structure, and hand the parts
// the rules care about (provider "aws", backend "s3", terraform_remote_state config, variable
// defaults, tfvars assignments) to the shared structural rules.
import { lexHcl } from './lexer.js';
import { parseHcl, type Body, type Item } from './hcl-model.js';
import { valueOfExpr } from './values.js';
import {
  checkCredentialBody,
  checkTfvarsEntry,
  checkVariableDefault,
  providerLabel,
  type ConfigBody,
  type ConfigEntry,
  type RuleSink,
} from './structure-rules.js';

export interface Problem {
  message: string;
  line: number;
  col: number;
}

export function analyzeHcl(text: string, tfvars: boolean, sink: RuleSink): Problem[] {
  const lexed = lexHcl(text);
  const parsed = parseHcl(lexed.tokens);
  const body = toConfigBody(parsed.body);
  if (tfvars) for (const entry of body.entries) checkTfvarsEntry(entry, sink);
  else walkBlocks(body, sink);
  return [...lexed.problems, ...parsed.problems];
}

/**
 * Every block, at any depth: a provider swallowed by an unclosed block above it (a half-written
 * file) is still checked — fail closed.
 */
function walkBlocks(body: ConfigBody, sink: RuleSink): void {
  for (const entry of body.entries) {
    if (!entry.body) continue;
    const [first, second] = entry.labels;
    if (entry.name === 'provider' && first === 'aws') {
      checkCredentialBody(entry.body, 'provider', providerLabel(entry.body), sink);
    } else if (entry.name === 'backend' && first === 's3') {
      checkCredentialBody(entry.body, 'backend', 'backend "s3"', sink);
    } else if (entry.name === 'data' && first === 'terraform_remote_state') {
      checkRemoteState(entry.body, second ?? '', sink);
    } else if (entry.name === 'variable' && first !== undefined) {
      const fallback = entry.body.entries.find((e) => e.name === 'default');
      if (fallback) checkVariableDefault(first, fallback, sink);
    }
    walkBlocks(entry.body, sink);
  }
}

function checkRemoteState(body: ConfigBody, name: string, sink: RuleSink): void {
  const backend = body.entries.find((e) => e.name === 'backend')?.value?.plain?.text;
  if (backend !== undefined && backend !== 's3') return; // gcs, azurerm …: not AWS credentials
  const config = body.entries.find((e) => e.name === 'config' && e.body);
  if (config?.body) checkCredentialBody(config.body, 'remote-state', `terraform_remote_state "${name}" config`, sink);
}

export function toConfigBody(body: Body): ConfigBody {
  return { entries: body.items.map(toEntry), start: body.start, end: body.end };
}

function toEntry(item: Item): ConfigEntry {
  if (item.type === 'block') {
    return { name: item.name, labels: item.labels, body: toConfigBody(item.body), start: item.start, end: item.end };
  }
  const expr = item.value;
  const entry: ConfigEntry = { name: item.name, labels: [], start: item.nameToken.start, end: expr.end };
  if (expr.object) {
    entry.body = toConfigBody(expr.object);
    return entry;
  }
  entry.value = valueOfExpr(expr);
  const only = expr.tokens.length === 1 ? expr.tokens[0] : undefined;
  if (only && (only.kind === 'ident' || only.kind === 'number')) entry.scalar = only.text;
  return entry;
}
