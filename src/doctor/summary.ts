// `check`'s cheap Terraform awareness: the targets doctor derives from the .tf files are cached
// in the credguard cache (terraform/tfsum-<fnv96(dir)>.json), keyed by the Terraform files'
// names, mtimes and sizes, the TF_VAR_* environment and the -var/-var-file being checked. While they match, check never loads
// hcl2-json-parser. Provider-block keys are never written: such a configuration is re-read.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from '../core/context.js';
import type { CacheStore } from '../core/cache.js';
import { fnv96, sha256Hex } from '../core/hash.js';
import type { Target } from './types.js';
import type { CliVar } from '../terraform/config.js';

const RELEVANT = /(\.tf|\.tf\.json|^terraform\.tfvars|^terraform\.tfvars\.json|\.auto\.tfvars|\.auto\.tfvars\.json)$/;

export interface Summary {
  /** 2: targets carry assumeRoleChain (role chaining). */
  v: 2;
  fingerprint: string;
  /** Some target has provider-block keys: the summary cannot stand in for the files. */
  staticKeys: boolean;
  targets: Target[];
}

export function fingerprint(ctx: Context, dir: string, cliVars: CliVar[] = []): string {
  const names = ctx.listDir(dir).filter((f) => !f.startsWith('.') && RELEVANT.test(f)).sort();
  let text = '';
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      text += `${name}\0${st.mtimeMs}\0${st.size}\n`;
    } catch {
      text += `${name}\0gone\n`;
    }
  }
  // -var and -var-file in their order (later wins in Terraform, so the order is part of the
  // answer); values may be secrets and go through SHA-256, files by their stat
  for (const cv of cliVars) {
    if (cv.kind === 'var') {
      text += `-var\0${cv.name}\0${sha256Hex(cv.value)}\n`;
      continue;
    }
    try {
      const st = statSync(resolve(dir, cv.path));
      text += `-var-file\0${cv.path}\0${st.mtimeMs}\0${st.size}\n`;
    } catch {
      text += `-var-file\0${cv.path}\0gone\n`;
    }
  }
  const tfVars = Object.keys(ctx.env).filter((n) => n.startsWith('TF_VAR_')).sort();
  // TF_VAR_ values may be secrets: those (only) go through SHA-256.
  if (tfVars.length) text += sha256Hex(tfVars.map((k) => `${k}=${ctx.env[k] ?? ''}`).join('\n'));
  return `${names.length}:${fnv96(text)}`;
}

export function summaryPath(store: CacheStore, dir: string): string {
  return join(store.dir('terraform'), `tfsum-${fnv96(dir)}.json`);
}

export function readSummary(store: CacheStore, dir: string, fp: string): Summary | undefined {
  const text = store.readText(summaryPath(store, dir));
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Summary;
    return s.v === 2 && s.fingerprint === fp && !s.staticKeys && Array.isArray(s.targets) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeSummary(store: CacheStore, dir: string, fp: string, targets: Target[]): void {
  const staticKeys = targets.some((t) => t.staticCredentials || t.resolve.providerStatic);
  const safe = targets.map(({ staticCredentials: _s, ...t }) => {
    const { providerStatic: _p, ...resolve } = t.resolve;
    return { ...t, resolve };
  });
  const s: Summary = { v: 2, fingerprint: fp, staticKeys, targets: staticKeys ? [] : safe };
  try {
    store.writeAtomic(summaryPath(store, dir), JSON.stringify(s) + '\n');
  } catch {
    // a summary that cannot be written only costs the next check a parse
  }
}
