// The HCL lexer and structure parser: comments, templates, heredocs, positions, broken input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexHcl, type Token } from '../../src/scan/lexer.js';
import { parseHcl } from '../../src/scan/hcl-model.js';

const kinds = (tokens: Token[]): string[] => tokens.filter((t) => t.kind !== 'newline').map((t) => (t.kind === 'punct' || t.kind === 'ident' ? t.text : t.kind));

test('the three comment styles are comments, with their line', () => {
  const { tokens, comments } = lexHcl('# one\na = 1 // two\n/* three\nlines */ b = 2\n');
  assert.deepEqual(kinds(tokens), ['a', '=', 'number', 'b', '=', 'number']);
  assert.deepEqual(comments.map((c) => [c.text, c.line]), [['# one', 1], ['// two', 2], ['/* three\nlines */', 3]]);
  const b = tokens.find((t) => t.text === 'b');
  assert.deepEqual([b?.line, b?.col], [4, 10]);
});

test('nested templates: ${"…"} inside a string, and braces inside interpolations', () => {
  const { tokens, problems } = lexHcl('x = "a${"in${var.y}ner"}b${ {k = 1}["k"] }c"\n');
  assert.deepEqual(problems, []);
  const str = tokens.find((t) => t.kind === 'string');
  const parts = str?.parts ?? [];
  assert.deepEqual(parts.map((p) => p.kind), ['literal', 'interp', 'literal', 'interp', 'literal']);
  const inner = parts[1]?.kind === 'interp' ? parts[1].tokens[0] : undefined;
  assert.equal(inner?.kind, 'string');
  assert.deepEqual(inner?.parts?.map((p) => p.kind), ['literal', 'interp', 'literal']);
});

test('escapes: \\" does not end a string, $${ is a literal', () => {
  const { tokens } = lexHcl('x = "provider \\"aws\\" { $${not} }"\n');
  const str = tokens.find((t) => t.kind === 'string');
  assert.deepEqual(str?.parts, [{ kind: 'literal', text: 'provider "aws" { ${not} }', start: 5 }]);
});

test('heredocs (<<EOT and <<-EOT) are one token; their body is a template', () => {
  const src = 'a = <<EOT\nline ${var.x}\n  provider "aws" {\nEOT\nb = <<-END\n    indented\n  END\nc = 1\n';
  const { tokens, problems } = lexHcl(src);
  assert.deepEqual(problems, []);
  assert.deepEqual(kinds(tokens), ['a', '=', 'heredoc', 'b', '=', 'heredoc', 'c', '=', 'number']);
  const c = tokens.find((t) => t.text === 'c');
  assert.equal(c?.line, 8);
});

test('`<<` that is not a heredoc header stays punctuation', () => {
  assert.deepEqual(kinds(lexHcl('x = 1 << 2\n').tokens), ['x', '=', 'number', '<', '<', 'number']);
});

test('compact syntax: provider"aws"{ … } parses to a block with an attribute', () => {
  const { body, problems } = parseHcl(lexHcl('provider"aws"{access_key="k"}\n').tokens);
  assert.deepEqual(problems, []);
  const block = body.items[0];
  assert.equal(block?.type, 'block');
  if (block?.type !== 'block') return;
  assert.deepEqual([block.name, block.labels], ['provider', ['aws']]);
  assert.equal(block.body.items[0]?.type === 'attribute' ? block.body.items[0].name : '', 'access_key');
});

test('object values are bodies: config = { k = v, "q": w }', () => {
  const { body } = parseHcl(lexHcl('config = {\n  a = "1", "b": 2\n  c = [1,\n 2]\n}\n').tokens);
  const attr = body.items[0];
  assert.equal(attr?.type, 'attribute');
  if (attr?.type !== 'attribute') return;
  assert.deepEqual(attr.value.object?.items.map((i) => (i.type === 'attribute' ? i.name : '')), ['a', 'b', 'c']);
});

test('broken input never throws: unclosed strings, blocks, heredocs and comments are problems', () => {
  for (const src of ['a = "open\n', 'b {\n  c = 1\n', 'd = <<EOT\nno end\n', '/* no end', 'e = "${ var.x\n', '}}}\n', '= = =\n', 'x = [\n']) {
    const lexed = lexHcl(src);
    const parsed = parseHcl(lexed.tokens);
    assert.ok(lexed.problems.length + parsed.problems.length > 0, `problems for ${JSON.stringify(src)}`);
  }
});

test('CRLF line endings keep line numbers', () => {
  const { tokens } = lexHcl('a = 1\r\nb = "x"\r\n');
  const b = tokens.find((t) => t.text === 'b');
  assert.deepEqual([b?.line, b?.col], [2, 1]);
});
