// A small JSON parser that keeps the offset of every value (JSON.parse forgets them), for
// `.tf.json` and `.tfvars.json`. On a syntax error it stops, reports where, and returns the part
// it understood, so the rules still run on everything before the error (fail closed).

export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[]; start: number; end: number }
  | { kind: 'array'; items: JsonNode[]; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'scalar'; text: string; start: number; end: number };

export interface JsonEntry {
  key: string;
  keyStart: number;
  value: JsonNode;
}

export interface JsonResult {
  root: JsonNode | undefined;
  /** Offset and message of the first syntax error. */
  error?: { at: number; message: string };
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function parseJson(src: string): JsonResult {
  const parser = new JsonParser(src);
  try {
    const root = parser.value((node) => (parser.partial = node));
    parser.skipSpace();
    if (parser.pos < src.length) throw new JsonSyntaxError('unexpected text after the JSON value', parser.pos);
    return { root };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { root: parser.partial, error: { at: err.at, message: err.message } };
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonParser {
  pos = 0;
  /** The outermost container, kept up to date so a syntax error still returns what was read. */
  partial: JsonNode | undefined;

  constructor(private readonly src: string) {
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  skipSpace(): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else return;
    }
  }

  /** `attach` receives containers as soon as they open, so partial results stay connected. */
  value(attach?: (node: JsonNode) => void): JsonNode {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '{') return this.object(attach);
    if (c === '[') return this.array(attach);
    if (c === '"') return this.string();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.src.slice(this.pos, this.pos + 64));
    if (!m) throw new JsonSyntaxError(c === undefined ? 'unexpected end of file' : `unexpected "${c}"`, this.pos);
    const start = this.pos;
    this.pos += m[0].length;
    return { kind: 'scalar', text: m[0], start, end: this.pos };
  }

  private object(attach?: (node: JsonNode) => void): JsonNode {
    const node: JsonNode = { kind: 'object', entries: [], start: this.pos, end: this.pos };
    attach?.(node);
    this.pos++;
    this.skipSpace();
    if (this.src[this.pos] === '}') {
      this.pos++;
      node.end = this.pos;
      return node;
    }
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] !== '"') throw new JsonSyntaxError('expected a quoted key', this.pos);
      const keyStart = this.pos;
      const key = this.string().value;
      this.skipSpace();
      if (this.src[this.pos] !== ':') throw new JsonSyntaxError('expected ":"', this.pos);
      this.pos++;
      const entry: JsonEntry = { key, keyStart, value: { kind: 'scalar', text: 'null', start: this.pos, end: this.pos } };
      node.entries.push(entry);
      entry.value = this.value((child) => (entry.value = child));
      this.skipSpace();
      const c = this.src[this.pos];
      this.pos++;
      if (c === '}') break;
      if (c !== ',') throw new JsonSyntaxError('expected "," or "}"', this.pos - 1);
    }
    node.end = this.pos;
    return node;
  }

  private array(attach?: (node: JsonNode) => void): JsonNode {
    const node: JsonNode = { kind: 'array', items: [], start: this.pos, end: this.pos };
    attach?.(node);
    this.pos++;
    this.skipSpace();
    if (this.src[this.pos] === ']') {
      this.pos++;
      node.end = this.pos;
      return node;
    }
    for (;;) {
      const index = node.items.length;
      node.items[index] = this.value((child) => (node.items[index] = child));
      this.skipSpace();
      const c = this.src[this.pos];
      this.pos++;
      if (c === ']') break;
      if (c !== ',') throw new JsonSyntaxError('expected "," or "]"', this.pos - 1);
    }
    node.end = this.pos;
    return node;
  }

  private string(): JsonNode & { kind: 'string' } {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      const c = src.charCodeAt(i);
      if (Number.isNaN(c) || c === 10) throw new JsonSyntaxError('a string is not closed', start);
      if (c === 34) break;
      if (c === 92) {
        out += src.slice(chunk, i);
        const e = src[i + 1] ?? '';
        if (e === 'u') {
          out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16) || 0);
          i += 6;
        } else {
          out += ESCAPES[e] ?? e;
          i += 2;
        }
        chunk = i;
        continue;
      }
      i++;
    }
    out += src.slice(chunk, i);
    this.pos = i + 1;
    return { kind: 'string', value: out, start, end: this.pos };
  }
}

/** Members of an object node, or nothing. */
export function entriesOf(node: JsonNode | undefined): JsonEntry[] {
  return node?.kind === 'object' ? node.entries : [];
}

/** Terraform JSON allows a block to be an object or an array of objects. */
export function objectsOf(node: JsonNode | undefined): JsonNode[] {
  if (node === undefined) return [];
  if (node.kind === 'array') return node.items.filter((n) => n.kind === 'object');
  return node.kind === 'object' ? [node] : [];
}

export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return entriesOf(node).find((e) => e.key === key)?.value;
}
