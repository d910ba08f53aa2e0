// The one place that loads hcl2-json-parser (a GopherJS build: ~1 s to load, so lazily and once).
// Its output is hcl2json's JSON: blocks become arrays of objects keyed by label, attributes
// become values, and every non-literal expression becomes a "${…}" string.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Hcl2Json {
  parseToObject(input: string): Promise<unknown>;
}

let loader: Promise<Hcl2Json> | undefined;

async function parser(): Promise<Hcl2Json> {
  loader ??= import('hcl2-json-parser').then((m) => {
    const mod = m as unknown as { default?: Hcl2Json } & Partial<Hcl2Json>;
    const p = mod.parseToObject ? (mod as Hcl2Json) : mod.default;
    if (!p?.parseToObject) throw new Error('hcl2-json-parser: parseToObject not found');
    return p;
  });
  return loader;
}

export type ParseResult = { ok: true; value: { [k: string]: Json } } | { ok: false; error: string };

/** Parse HCL text. Never throws: syntax errors come back as `{ ok: false, error }`. */
export async function parseHclText(text: string): Promise<ParseResult> {
  try {
    const p = await parser();
    const v = await p.parseToObject(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: true, value: {} };
    return { ok: true, value: v as { [k: string]: Json } };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, error: cleanError(msg) };
  }
}

/** Parse Terraform JSON syntax (.tf.json / .tfvars.json). */
export function parseJsonText(text: string): ParseResult {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'top level is not a JSON object' };
    return { ok: true, value: v as { [k: string]: Json } };
  } catch (err) {
    // V8's message quotes the text around the error, which may be a secret: keep the position.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    return { ok: false, error: at === undefined ? 'invalid JSON' : `invalid JSON at ${lineCol(text, Number(at))}` };
  }
}

// "parse config: [:2,12-3,1: Invalid expression; …]" -> "line 2, column 12: Invalid expression; …"
function cleanError(msg: string): string {
  const m = /^parse config: \[(.*)\]$/s.exec(msg.trim());
  const inner = m?.[1] ?? msg;
  return inner.replace(/:(\d+),(\d+)-(?:\d+,)?\d+: /g, 'line $1, column $2: ').replace(/^\s*/, '');
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}
