// A single-pass lexer for Terraform's native syntax (HCL2), just deep enough for the scan rules:
// comments (#, //, /* */), quoted templates with nested ${...} / %{...}, heredocs (<<EOT, <<-EOT),
// identifiers, numbers and punctuation, each with its line and column. It never throws: broken
// input produces tokens anyway plus a list of problems, so a half-written file is still scanned.

export type TokenKind = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'newline';

export interface Token {
  kind: TokenKind;
  /** Offsets into the source: [start, end). */
  start: number;
  end: number;
  line: number;
  col: number;
  /** Source text for ident / number / punct; '' for templates and newlines. */
  text: string;
  /** The pieces of a string or heredoc template. */
  parts?: TemplatePart[];
}

export type TemplatePart =
  | { kind: 'literal'; text: string; start: number }
  | { kind: 'interp'; tokens: Token[]; start: number };

export interface Comment {
  text: string;
  start: number;
  end: number;
  line: number;
}

export interface LexProblem {
  message: string;
  line: number;
  col: number;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  problems: LexProblem[];
}

const TWO_CHAR_PUNCT = new Set(['==', '!=', '<=', '>=', '=>', '&&', '||']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function lexHcl(src: string): LexResult {
  const lexer = new Lexer(src);
  const tokens = lexer.lexTokens(false);
  return { tokens, comments: lexer.comments, problems: lexer.problems };
}

/** Split a template's text (a Terraform JSON string value) into literal and `${…}` parts. */
export function lexTemplateText(text: string): TemplatePart[] {
  const lexer = new Lexer(text);
  return lexer.lexTemplate(text.length, false);
}

class Lexer {
  pos = 0;
  line = 1;
  lineStart = 0;
  /** Lexing stops here; heredoc bodies lower it temporarily. */
  limit: number;
  readonly comments: Comment[] = [];
  readonly problems: LexProblem[] = [];

  constructor(private readonly src: string) {
    this.limit = src.length;
  }

  private problem(message: string, at = this.pos): void {
    // at is always on the current line or earlier on it, so the column is derivable
    this.problems.push({ message, line: this.line, col: Math.max(1, at - this.lineStart + 1) });
  }

  private token(kind: TokenKind, start: number, text: string, line = this.line, lineStart = this.lineStart): Token {
    return { kind, start, end: this.pos, line, col: start - lineStart + 1, text };
  }

  private newline(): void {
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  /**
   * Tokens until the end (or, inside `${`, until the matching `}` which is consumed).
   * Newlines are tokens: the structure parser uses them to end attributes.
   */
  lexTokens(insideInterpolation: boolean): Token[] {
    const out: Token[] = [];
    const src = this.src;
    let depth = 0;
    while (this.pos < this.limit) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        this.pos++;
      } else if (c === 10) {
        const start = this.pos;
        const line = this.line;
        const lineStart = this.lineStart;
        this.newline();
        out.push({ kind: 'newline', start, end: this.pos, line, col: start - lineStart + 1, text: '' });
      } else if (c === 35 /* # */ || (c === 47 /* / */ && src.charCodeAt(this.pos + 1) === 47)) {
        this.lineComment();
      } else if (c === 47 && src.charCodeAt(this.pos + 1) === 42 /* * */) {
        this.blockComment();
      } else if (c === 34 /* " */) {
        out.push(this.quoted());
      } else if (c === 60 /* < */ && src.charCodeAt(this.pos + 1) === 60 && this.heredocAhead()) {
        out.push(this.heredoc());
      } else if (isIdentStart(c)) {
        const start = this.pos;
        while (this.pos < this.limit && isIdentPart(src.charCodeAt(this.pos))) this.pos++;
        out.push(this.token('ident', start, src.slice(start, this.pos)));
      } else if (isDigit(c)) {
        out.push(this.number());
      } else {
        if (insideInterpolation) {
          if (c === 123 /* { */) depth++;
          else if (c === 125 /* } */) {
            if (depth === 0) {
              this.pos++;
              return out;
            }
            depth--;
          }
        }
        out.push(this.punct());
      }
    }
    if (insideInterpolation) this.problem('a "${" template interpolation is not closed');
    return out;
  }

  private punct(): Token {
    const start = this.pos;
    const two = this.src.slice(start, start + 2);
    if (this.src.startsWith('...', start)) this.pos += 3;
    else if (TWO_CHAR_PUNCT.has(two)) this.pos += 2;
    else this.pos++;
    return this.token('punct', start, this.src.slice(start, this.pos));
  }

  private number(): Token {
    const start = this.pos;
    const src = this.src;
    while (this.pos < this.limit) {
      const c = src.charCodeAt(this.pos);
      if (isDigit(c) || c === 46) this.pos++;
      else if ((c === 101 || c === 69) && this.pos + 1 < this.limit) {
        this.pos++;
        const sign = src.charCodeAt(this.pos);
        if (sign === 43 || sign === 45) this.pos++;
      } else break;
    }
    return this.token('number', start, src.slice(start, this.pos));
  }

  private lineComment(): void {
    const start = this.pos;
    let end = this.src.indexOf('\n', start);
    if (end === -1 || end > this.limit) end = this.limit;
    this.pos = end;
    this.comments.push({ text: this.src.slice(start, end), start, end, line: this.line });
  }

  private blockComment(): void {
    const start = this.pos;
    const line = this.line;
    let end = this.src.indexOf('*/', start + 2);
    if (end === -1 || end + 2 > this.limit) {
      this.problem('a "/*" comment is not closed');
      end = this.limit;
    } else end += 2;
    this.advanceTo(end);
    this.comments.push({ text: this.src.slice(start, end), start, end, line });
  }

  /** Move to `end`, counting the newlines passed. */
  private advanceTo(end: number): void {
    let nl = this.src.indexOf('\n', this.pos);
    while (nl !== -1 && nl < end) {
      this.line++;
      this.lineStart = nl + 1;
      nl = this.src.indexOf('\n', nl + 1);
    }
    this.pos = end;
  }

  /** A quoted template: `"text ${expr} text"`. Ends at the closing quote or, broken, at the line end. */
  private quoted(): Token {
    const start = this.pos;
    const line = this.line;
    const lineStart = this.lineStart;
    this.pos++;
    const parts = this.lexTemplate(this.limit, true);
    const tok = this.token('string', start, '', line, lineStart);
    tok.parts = parts;
    return tok;
  }

  /**
   * Template parts up to `end`. Quoted templates process escapes and stop at `"` (consumed) or at
   * a newline outside an interpolation (an unterminated string: reported, not consumed).
   */
  lexTemplate(end: number, quoted: boolean): TemplatePart[] {
    const src = this.src;
    const parts: TemplatePart[] = [];
    let literal = '';
    let literalStart = this.pos;
    const flush = (): void => {
      if (literal !== '') parts.push({ kind: 'literal', text: literal, start: literalStart });
      literal = '';
    };
    const savedLimit = this.limit;
    this.limit = end;
    try {
      while (this.pos < end) {
        const c = src.charCodeAt(this.pos);
        if (quoted && c === 34) {
          this.pos++;
          flush();
          return parts;
        }
        if (quoted && c === 10) break;
        if (c === 10) {
          if (literal === '') literalStart = this.pos;
          literal += '\n';
          this.newline();
          continue;
        }
        const next = src.charCodeAt(this.pos + 1);
        if ((c === 36 /* $ */ || c === 37 /* % */) && next === 123) {
          flush();
          const at = this.pos;
          this.pos += 2;
          parts.push({ kind: 'interp', tokens: this.lexTokens(true), start: at });
          literalStart = this.pos;
          continue;
        }
        if (literal === '') literalStart = this.pos;
        if ((c === 36 || c === 37) && next === c && src.charCodeAt(this.pos + 2) === 123) {
          literal += src.slice(this.pos + 1, this.pos + 3); // `$${` is a literal `${`
          this.pos += 3;
        } else if (quoted && c === 92 /* \ */) {
          literal += this.escape();
        } else {
          literal += src[this.pos];
          this.pos++;
        }
      }
    } finally {
      this.limit = savedLimit;
    }
    if (quoted) this.problem('a string is not closed before the end of the line');
    flush();
    return parts;
  }

  private escape(): string {
    const n = this.src[this.pos + 1];
    this.pos += 2;
    switch (n) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '"':
      case '\\':
        return n;
      case 'u':
      case 'U': {
        const len = n === 'u' ? 4 : 8;
        const hex = this.src.slice(this.pos, this.pos + len);
        if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === len) {
          this.pos += len;
          const code = parseInt(hex, 16);
          return code <= 0x10ffff ? String.fromCodePoint(code) : '';
        }
        return `\\${n}`;
      }
      case undefined:
        this.pos--;
        return '\\';
      case '\n':
        // a backslash before a newline: leave the newline for the caller to see
        this.pos--;
        return '\\';
      default:
        return `\\${n}`;
    }
  }

  private heredocAhead(): boolean {
    return /^<<-?[A-Za-z_][A-Za-z0-9_-]*[ \t]*\r?\n/.test(this.src.slice(this.pos, this.pos + 80));
  }

  /** `<<EOT` / `<<-EOT` … a line holding only `EOT`. The body is a template too. */
  private heredoc(): Token {
    const start = this.pos;
    const line = this.line;
    const lineStart = this.lineStart;
    const header = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(this.src.slice(this.pos, this.pos + 80));
    const marker = header?.[1] ?? '';
    this.pos += (header?.[0].length ?? 2) - 1; // stop on the newline, then count it
    this.newline();
    const bodyStart = this.pos;
    const { bodyEnd, after } = this.findHeredocEnd(bodyStart, marker);
    const parts = this.lexTemplate(bodyEnd, false);
    this.advanceTo(after);
    const tok = this.token('heredoc', start, '', line, lineStart);
    tok.parts = parts;
    return tok;
  }

  private findHeredocEnd(from: number, marker: string): { bodyEnd: number; after: number } {
    const src = this.src;
    let lineBegin = from;
    while (lineBegin < this.limit) {
      let lineEnd = src.indexOf('\n', lineBegin);
      if (lineEnd === -1 || lineEnd > this.limit) lineEnd = this.limit;
      if (src.slice(lineBegin, lineEnd).trim() === marker) return { bodyEnd: lineBegin, after: lineEnd };
      lineBegin = lineEnd + 1;
    }
    this.problem(`the heredoc <<${marker} is not closed`);
    return { bodyEnd: this.limit, after: this.limit };
  }
}
