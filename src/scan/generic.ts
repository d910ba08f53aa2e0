// Key-shaped values anywhere in a file — comments, heredocs and strings included — found with
// two regular expressions over the raw text. Structural findings take precedence (the engine
// drops a generic finding inside a structural one's span: one finding per location).
import type { RawFinding } from './types.js';
import { isExampleKey, isSecretShaped } from './rules.js';

// Word boundaries that also exclude base64 neighbours, so a key id inside a longer blob is not one.
const ACCESS_KEY_ID = /(?<![A-Za-z0-9/+])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9/+])/g;

// aws_secret_access_key / AWS_SECRET_ACCESS_KEY / secretAccessKey / secret_key … then `=`, `:`,
// `:=`, `=>` or blanks, optional quotes, then exactly 40 base64 characters.
const SECRET_NEAR_KEYWORD =
  /(?:aws)?[_.-]?secret[_.-]?(?:access[_.-]?)?key(?:[_.-]?id)?["']?[ \t]*(?::=|=>|[:=]|[ \t])[ \t]*["']?(?<![A-Za-z0-9/+])([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi;

export function findGenericSecrets(text: string, accessKeys: boolean, secrets: boolean): RawFinding[] {
  const out: RawFinding[] = [];
  if (accessKeys) {
    for (const m of text.matchAll(ACCESS_KEY_ID)) {
      if (isExampleKey(m[0])) continue;
      const at = m.index ?? 0;
      out.push({ rule: 'aws-access-key-id', at, start: at, end: at + m[0].length, value: m[0], where: 'text' });
    }
  }
  if (secrets) {
    for (const m of text.matchAll(SECRET_NEAR_KEYWORD)) {
      const value = m[1] ?? '';
      if (!isSecretShaped(value) || isExampleKey(value)) continue;
      const at = (m.index ?? 0) + m[0].length - value.length;
      out.push({ rule: 'aws-secret-access-key', at, start: at, end: at + value.length, value, where: 'text' });
    }
  }
  return out;
}
