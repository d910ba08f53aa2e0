// A small glob -> RegExp translation (Node 20 has no stable fs.glob): `**`, `*`, `?`, `{a,b}`,
// `[abc]`. Paths are relative with forward slashes. A pattern without a slash matches the base
// name at any depth, as in .gitignore (`*.tf` == `**/*.tf`).
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!pattern.includes('/')) pattern = `**/${pattern}`;
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        if (atSegmentStart && slashAfter) {
          out += '(?:.*/)?'; // `**/` : zero or more directories
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  // `dir/**` also matches `dir` itself; a trailing `/` means "this directory and below"
  if (out.endsWith('/.*')) out = `${out.slice(0, -3)}(?:/.*)?`;
  else if (out.endsWith('/')) out += '.*';
  return new RegExp(`^${out}$`);
}

export class GlobSet {
  private readonly regexps: RegExp[];

  constructor(globs: readonly string[]) {
    this.regexps = globs.map(globToRegExp);
  }

  get empty(): boolean {
    return this.regexps.length === 0;
  }

  matches(path: string): boolean {
    return this.regexps.some((re) => re.test(path));
  }
}
