// Structure on top of the lexer's tokens: bodies of attributes and blocks, and object values
// (`config = { … }`), which is all the scan rules need. Like the lexer it recovers from broken
// input (unclosed blocks, stray tokens) and reports problems instead of throwing.
import type { Token } from './lexer.js';

export interface Body {
  items: Item[];
  start: number;
  end: number;
}

export type Item = Attribute | Block;

export interface Attribute {
  type: 'attribute';
  name: string;
  nameToken: Token;
  value: Expr;
}

export interface Block {
  type: 'block';
  name: string;
  labels: string[];
  nameToken: Token;
  body: Body;
  start: number;
  end: number;
}

export interface Expr {
  /** The expression's tokens, nested brackets included, newlines inside brackets dropped. */
  tokens: Token[];
  /** Set when the expression is an object constructor `{ … }`. */
  object?: Body;
  start: number;
  end: number;
}

export interface ParseProblem {
  message: string;
  line: number;
  col: number;
}

export function parseHcl(tokens: Token[]): { body: Body; problems: ParseProblem[] } {
  const parser = new Parser(tokens);
  const body = parser.body(undefined, false);
  return { body, problems: parser.problems };
}

/** The text of a label or key token: an identifier, or a string without interpolation. */
export function tokenName(tok: Token): string | undefined {
  if (tok.kind === 'ident') return tok.text;
  if (tok.kind === 'string') return (tok.parts ?? []).map((p) => (p.kind === 'literal' ? p.text : '')).join('');
  return undefined;
}

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

class Parser {
  private i = 0;
  readonly problems: ParseProblem[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private problem(message: string, tok: Token | undefined): void {
    const last = this.tokens[this.tokens.length - 1];
    const at = tok ?? last;
    this.problems.push({ message, line: at?.line ?? 1, col: at?.col ?? 1 });
  }

  private isPunct(tok: Token | undefined, text: string): boolean {
    return tok !== undefined && tok.kind === 'punct' && tok.text === text;
  }

  /** A body until `}` (consumed) or the end. Objects also allow `:` and `,`. */
  body(open: Token | undefined, isObject: boolean): Body {
    const items: Item[] = [];
    const start = open?.start ?? 0;
    for (;;) {
      const tok = this.peek();
      if (tok === undefined) {
        if (open) this.problem(`the "{" opened on line ${open.line} is not closed`, open);
        const last = this.tokens[this.tokens.length - 1];
        return { items, start, end: last?.end ?? start };
      }
      if (tok.kind === 'newline' || (isObject && this.isPunct(tok, ','))) {
        this.i++;
        continue;
      }
      if (this.isPunct(tok, '}')) {
        this.i++;
        if (open) return { items, start, end: tok.end };
        this.problem('a "}" has no matching "{"', tok);
        continue;
      }
      const item = this.item(tok, isObject);
      if (item) items.push(item);
    }
  }

  private item(tok: Token, isObject: boolean): Item | undefined {
    const name = tokenName(tok);
    const next = this.peek(1);
    if (name !== undefined && (this.isPunct(next, '=') || (isObject && this.isPunct(next, ':')))) {
      this.i += 2;
      return { type: 'attribute', name, nameToken: tok, value: this.expr(isObject) };
    }
    if (tok.kind === 'ident' && !isObject) return this.block(tok);
    if (isObject && (this.isPunct(tok, '(') || tok.kind === 'string')) {
      // computed key `(var.k) = v` or a templated key: skip the key, keep the value out of rules
      this.expr(true);
      return undefined;
    }
    this.problem(`unexpected "${tok.text || tok.kind}"`, tok);
    this.skipLine();
    return undefined;
  }

  private block(nameToken: Token): Block | undefined {
    this.i++;
    const labels: string[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok && (tok.kind === 'string' || tok.kind === 'ident')) {
        labels.push(tokenName(tok) ?? '');
        this.i++;
        continue;
      }
      if (this.isPunct(tok, '{')) {
        this.i++;
        const body = this.body(tok, false);
        return { type: 'block', name: nameToken.text, labels, nameToken, body, start: nameToken.start, end: body.end };
      }
      this.problem(`expected "=" or "{" after "${nameToken.text}"`, tok ?? nameToken);
      this.skipLine();
      return undefined;
    }
  }

  /** `{ for k, v in x : k => v }` is an expression, not an object constructor. */
  private forExpressionAhead(): boolean {
    let j = this.i + 1;
    while (this.tokens[j]?.kind === 'newline') j++;
    const tok = this.tokens[j];
    return tok?.kind === 'ident' && tok.text === 'for';
  }

  private skipLine(): void {
    while (this.peek() !== undefined && this.peek()?.kind !== 'newline') this.i++;
  }

  /** An expression: up to a newline, `}` or (in objects) `,` outside brackets. */
  private expr(inObject: boolean): Expr {
    const first = this.peek();
    if (first && this.isPunct(first, '{') && !this.forExpressionAhead()) {
      this.i++;
      const object = this.body(first, true);
      return { tokens: [], object, start: first.start, end: object.end };
    }
    const tokens: Token[] = [];
    const closers: string[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok === undefined) break;
      if (closers.length === 0) {
        if (tok.kind === 'newline' || this.isPunct(tok, '}') || (inObject && this.isPunct(tok, ','))) break;
      }
      this.i++;
      if (tok.kind === 'newline') continue;
      if (tok.kind === 'punct') {
        const closer = OPENERS[tok.text];
        if (closer) closers.push(closer);
        else if (tok.text === closers[closers.length - 1]) closers.pop();
      }
      tokens.push(tok);
    }
    if (closers.length > 0) this.problem(`a "${closers[closers.length - 1]}" is missing at the end of the file`, tokens[tokens.length - 1]);
    const start = tokens[0]?.start ?? first?.start ?? 0;
    const end = tokens[tokens.length - 1]?.end ?? start;
    return { tokens, start, end };
  }
}
