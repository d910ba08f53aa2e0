// What an attribute's value amounts to for the rules: the literal text it hard-codes (if any),
// the string literals nested inside it, and the `var.NAME` references it reads. Built from an
// HCL expression or from a Terraform JSON string (whose `${…}` templates are lexed the same way).
import { lexTemplateText, type TemplatePart, type Token } from './lexer.js';
import type { Expr } from './hcl-model.js';
import { isExampleKey, isKeyShaped } from './rules.js';

export interface Literal {
  text: string;
  /** Offset in the file of its first character. */
  at: number;
}

export interface ValueInfo {
  start: number;
  end: number;
  /**
   * The hard-coded text of a value that is a single string or heredoc, without its
   * interpolations: '' for `"${var.x}"`, `null`, references and function calls.
   */
  plain?: Literal;
  /** Every other string literal inside the value (interpolations, function arguments, …). */
  nested: Literal[];
  /** Names read through `var.NAME`. */
  varRefs: string[];
}

export function valueOfExpr(expr: Expr): ValueInfo {
  const info: ValueInfo = { start: expr.start, end: expr.end, nested: [], varRefs: [] };
  const only = expr.tokens.length === 1 ? expr.tokens[0] : undefined;
  if (only && (only.kind === 'string' || only.kind === 'heredoc')) {
    info.plain = templateLiteral(only.parts ?? [], only.start + (only.kind === 'string' ? 1 : 0), only.kind === 'heredoc');
    collectFromParts(only.parts ?? [], info, false);
  } else {
    collectFromTokens(expr.tokens, info);
  }
  return info;
}

/** A Terraform JSON string value: a template in its own right. `at` is its opening quote. */
export function valueOfJsonString(text: string, start: number, end: number): ValueInfo {
  const info: ValueInfo = { start, end, nested: [], varRefs: [] };
  const parts = text.includes('${') || text.includes('%{') ? lexTemplateText(text) : [{ kind: 'literal' as const, text, start: 0 }];
  const literal = parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
  info.plain = { text: literal, at: start + 1 };
  for (const part of parts) if (part.kind === 'interp') collectFromTokens(part.tokens, info, true);
  return info;
}

function templateLiteral(parts: TemplatePart[], fallbackAt: number, heredoc: boolean): Literal {
  let text = '';
  let at: number | undefined;
  for (const part of parts) {
    const only = part.kind === 'interp' && part.tokens.length === 1 ? part.tokens[0] : undefined;
    if (only?.kind === 'string') {
      // `${"AKIA…"}` is the literal itself, only dressed up as a template
      const inner = templateLiteral(only.parts ?? [], only.start + 1, false);
      text += inner.text;
      if (at === undefined && inner.text.trim() !== '') at = inner.at;
      continue;
    }
    if (part.kind !== 'literal') continue;
    text += part.text;
    if (at === undefined && part.text.trim() !== '') {
      // point at the first visible character, so a heredoc finding lands on its content line
      at = part.start + (heredoc ? part.text.length - part.text.trimStart().length : 0);
    }
  }
  return { text, at: at ?? fallbackAt };
}

function collectFromParts(parts: TemplatePart[], info: ValueInfo, asLiterals: boolean): void {
  for (const part of parts) {
    if (part.kind === 'interp') collectFromTokens(part.tokens, info);
    else if (asLiterals && part.text !== '') info.nested.push({ text: part.text, at: part.start });
  }
}

/** Walk tokens (and templates inside them) for string literals and `var.NAME` references. */
function collectFromTokens(tokens: Token[], info: ValueInfo, offsetless = false): void {
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.kind === 'string' || tok.kind === 'heredoc') {
      // offsetless: tokens lexed from a JSON string's unescaped text have no file offsets
      if (offsetless) {
        for (const part of tok.parts ?? []) {
          if (part.kind === 'literal' && part.text !== '') info.nested.push({ text: part.text, at: info.start + 1 });
          else if (part.kind === 'interp') collectFromTokens(part.tokens, info, true);
        }
      } else collectFromParts(tok.parts ?? [], info, true);
    } else if (tok.kind === 'ident' && tok.text === 'var') {
      const dot = tokens[i + 1];
      const name = tokens[i + 2];
      if (dot?.kind === 'punct' && dot.text === '.' && name?.kind === 'ident') info.varRefs.push(name.text);
    }
  }
}

/**
 * The literal a credential attribute hard-codes, if any: any non-empty text of a plain string,
 * or a key-shaped literal anywhere inside a larger expression (a conditional or function call
 * holds other strings that are no credential). Empty strings, `null` and references pass.
 */
export function hardCodedCredential(value: ValueInfo): Literal | undefined {
  if (value.plain && value.plain.text.trim() !== '') return value.plain;
  return value.nested.find((lit) => isKeyShaped(lit.text));
}

/** A key-shaped literal that is not one of the AWS documentation's example keys. */
export function keyShapedLiteral(value: ValueInfo): Literal | undefined {
  const candidates = value.plain ? [value.plain, ...value.nested] : value.nested;
  return candidates.find((lit) => isKeyShaped(lit.text) && !isExampleKey(lit.text));
}
