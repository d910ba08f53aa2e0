// The shared, cached identity check: one STS call per context at a time, results shared by
// whoami, check, doctor and the prompt. Entries never contain a secret: the key id is
// stored masked and the file is named by a hash of the context key.
import { join } from 'node:path';
import type { Context } from './context.js';
import { fnv96 } from './hash.js';
import type { Resolution } from './resolve.js';
import { cacheDir, openCache, tryLock, type CacheStore } from './cache.js';
import { callerIdentity, type IdentityResult, type StaticCredentials } from './sts.js';
import { parseJsonObject } from './expiry.js';
import { serializeState, type PromptState } from './state.js';
import type { IdentityStatus } from './classify.js';
import type { CauseId, Finding } from './causes.js';
import { readSection, type LoadedConfig } from './config.js';

export const CACHE_DEFAULTS = {
  /** How long a successful check is trusted (capped by the credentials' expiry). */
  ttlSeconds: 300,
  /** How long a failed check is trusted before it is retried. */
  failureTtlSeconds: 30,
};

export const STS_DEFAULTS = {
  /** Hard total timeout of one identity check. */
  timeoutMs: 3000,
};

export interface CoreSettings {
  ttlMs: number;
  failureTtlMs: number;
  timeoutMs: number;
}

export function coreSettings(config: LoadedConfig, env: Readonly<Record<string, string | undefined>> = {}): CoreSettings {
  const cache = readSection(config, 'cache', CACHE_DEFAULTS);
  const sts = readSection(config, 'sts', STS_DEFAULTS);
  const envTimeout = Number(env['CREDGUARD_STS_TIMEOUT_MS']);
  return {
    ttlMs: cache.ttlSeconds * 1000,
    failureTtlMs: cache.failureTtlSeconds * 1000,
    timeoutMs: Number.isFinite(envTimeout) && envTimeout > 0 ? envTimeout : sts.timeoutMs,
  };
}

export interface IdentityEntry {
  v: 1;
  source: string;
  profile: string;
  keyId: string; // masked
  region: string;
  endpoint: string;
  status: IdentityStatus;
  cause?: CauseId;
  errorCode?: string;
  errorMessage?: string;
  explanation?: string;
  account?: string;
  arn?: string;
  userId?: string;
  checkedAt: number;
  freshUntil: number;
  expiresAt?: number;
  refreshable: boolean;
  /** Last time this access key id was verified by STS: a later rejection means deleted/inactive. */
  lastOkAt?: number;
}

export interface IdentityOptions {
  settings: CoreSettings;
  /** Ignore a fresh entry (still coalesces with a refresh running concurrently). */
  force?: boolean;
  /** Reuse an entry checked within this many ms even when forced (background refreshes). */
  coalesceMs?: number;
  staticCredentials?: StaticCredentials;
}

export interface IdentityOutcome {
  entry: IdentityEntry;
  fromCache: boolean;
}

export function entryPath(store: CacheStore, contextKey: string): string {
  // A 96-bit FNV fingerprint, not SHA-256: loading node:crypto would cost env-check and the
  // prompt's refresh more than everything else they do, and a file name is no secret boundary.
  const name = fnv96(contextKey);
  return join(store.dir('identity'), `${name}.json`);
}

export function readEntry(store: CacheStore, contextKey: string): IdentityEntry | undefined {
  const text = store.readText(entryPath(store, contextKey));
  const json = text === undefined ? undefined : parseJsonObject(text);
  if (!json || json['v'] !== 1 || typeof json['checkedAt'] !== 'number' || typeof json['freshUntil'] !== 'number') return undefined;
  return json as unknown as IdentityEntry;
}

export function isFresh(entry: IdentityEntry, now: number): boolean {
  if (now >= entry.freshUntil) return false;
  if (entry.status === 'ok' && entry.expiresAt !== undefined && now >= entry.expiresAt) return false;
  return true;
}

export function openCacheFor(ctx: Context): CacheStore {
  return openCache(cacheDir(ctx.env, ctx.home));
}

/**
 * The identity of the resolved context: from the cache when fresh, else from STS under a
 * lock so that N concurrent callers make one call. Writes the entry and the prompt state.
 */
export async function getIdentity(ctx: Context, r: Resolution, opts: IdentityOptions, store: CacheStore = openCacheFor(ctx)): Promise<IdentityOutcome> {
  const started = ctx.now();
  const usable = (e: IdentityEntry | undefined): e is IdentityEntry => {
    if (!e) return false;
    if (e.checkedAt >= started) return true; // someone checked while we waited
    if (opts.coalesceMs !== undefined && started - e.checkedAt < opts.coalesceMs) return true;
    return !opts.force && isFresh(e, started);
  };
  const reuse = (entry: IdentityEntry): IdentityOutcome => {
    // A refresh that reuses a concurrent result still rewrites the prompt state, so the
    // shells see a state newer than the ~/.aws files that made them ask.
    if (opts.force) writePromptState(store, r, entry, ctx.now());
    return { entry, fromCache: true };
  };
  const cached = readEntry(store, r.contextKey);
  if (usable(cached)) return reuse(cached);

  const lockPath = join(store.dir('locks'), `${lockName(r)}.lock`);
  const deadline = started + opts.settings.timeoutMs + 2000;
  while (ctx.now() <= deadline) {
    const release = tryLock(lockPath, opts.settings.timeoutMs + 5000, ctx.now());
    if (release) {
      try {
        const again = readEntry(store, r.contextKey);
        if (usable(again)) return reuse(again);
        const entry = await check(ctx, r, opts, again);
        store.writeAtomic(entryPath(store, r.contextKey), JSON.stringify(entry, null, 1) + '\n');
        writePromptState(store, r, entry, ctx.now());
        return { entry, fromCache: false };
      } finally {
        release();
      }
    }
    await sleep(40);
    const during = readEntry(store, r.contextKey);
    if (during && during.checkedAt >= started) return reuse(during);
  }
  // The lock holder outlived its own timeout. Serve what the cache has rather than pile
  // another call onto a hung endpoint; only with nothing at all do we ask STS ourselves.
  const last = readEntry(store, r.contextKey);
  if (last) return { entry: last, fromCache: true };
  const entry = await check(ctx, r, opts, undefined);
  return { entry, fromCache: false };
}

/**
 * The prompt's context name when the shells can see it (they check this lock before starting a
 * background refresh); a fingerprint of the context key otherwise, or when the name is too
 * long for a file name.
 */
export function lockName(r: Resolution): string {
  if (r.fromEnvironment && r.promptContext.length <= MAX_STATE_NAME) return r.promptContext;
  return `ctx-${fnv96(r.contextKey)}`;
}

/** Longer context names (a 300-character AWS_PROFILE) get no prompt state: file names have limits. */
const MAX_STATE_NAME = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function check(ctx: Context, r: Resolution, opts: IdentityOptions, previous: IdentityEntry | undefined): Promise<IdentityEntry> {
  const result: IdentityResult = r.failsOffline
    ? offlineResult(r)
    : await callerIdentity(ctx, r, {
        timeoutMs: opts.settings.timeoutMs,
        ...(opts.staticCredentials ? { staticCredentials: opts.staticCredentials } : {}),
        previouslyValid: previous?.lastOkAt !== undefined,
      });
  // Stamped when the answer arrived: callers that waited on our lock compare it with their
  // own start time to know the answer is newer than their question.
  const now = ctx.now();
  const ok = result.status === 'ok';
  const ttl = ok ? opts.settings.ttlMs : opts.settings.failureTtlMs;
  const expiresAt = r.expiry?.at;
  let freshUntil = now + ttl;
  if (ok && expiresAt !== undefined && expiresAt > now) freshUntil = Math.min(freshUntil, expiresAt);
  const entry: IdentityEntry = {
    v: 1,
    source: r.source,
    profile: r.profile ?? '',
    keyId: r.key?.masked ?? '',
    region: r.region ?? '',
    endpoint: r.stsEndpoint ?? '',
    status: result.status,
    checkedAt: now,
    freshUntil,
    refreshable: r.expiry?.refreshable ?? false,
  };
  if (result.cause) entry.cause = result.cause;
  if (result.errorCode) entry.errorCode = result.errorCode;
  if (result.errorMessage) entry.errorMessage = result.errorMessage.slice(0, 500);
  if (result.explanation) entry.explanation = result.explanation;
  if (result.account) entry.account = result.account;
  if (result.arn) entry.arn = result.arn;
  if (result.userId) entry.userId = result.userId;
  if (expiresAt !== undefined) entry.expiresAt = expiresAt;
  const lastOk = ok ? now : previous?.lastOkAt;
  if (lastOk !== undefined) entry.lastOkAt = lastOk;
  return entry;
}

/** When the model already knows Terraform will fail, STS is not asked. */
function offlineResult(r: Resolution): IdentityResult {
  const error = primaryError(r.findings);
  const cause = error && error.cause !== 'config' && error.cause !== 'network' ? error.cause : 'no-credentials';
  const status: IdentityStatus = cause === 'expired-credentials' ? 'expired' : cause === 'no-credentials' || cause === 'missing-profile' ? 'none' : 'invalid';
  return { status, cause, errorCode: 'Offline', explanation: error?.message ?? 'No usable credentials.', durationMs: 0 };
}

/**
 * The finding that decides the failure, in the order Terraform hits them: configuration
 * loading (missing profile) before expiry before the request itself.
 */
const CAUSE_RANK = ['missing-profile', 'no-credentials', 'expired-credentials', 'env-override', 'wrong-credentials', 'config'];

export function primaryError(findings: Finding[]): Finding | undefined {
  const errors = findings.filter((f) => f.severity === 'error');
  const rank = (f: Finding): number => {
    const i = CAUSE_RANK.indexOf(f.cause);
    return i === -1 ? CAUSE_RANK.length : i;
  };
  return errors.sort((a, b) => rank(a) - rank(b))[0];
}

export function stateFor(r: Resolution, entry: IdentityEntry, now: number): PromptState {
  const envShadow = r.source === 'env' && r.shadowedProfile !== undefined;
  return {
    context: r.promptContext,
    label: r.source === 'env' ? 'env keys' : r.source === 'profile' ? (r.profile ?? '') : r.source,
    profile: r.profile ?? '',
    shadowed: envShadow,
    source: r.source,
    account: entry.account ?? '',
    region: r.region ?? '',
    status: entry.status,
    cause: entry.cause ?? '',
    expires: entry.expiresAt !== undefined ? Math.floor(entry.expiresAt / 1000) : 0,
    refreshable: entry.refreshable,
    checked: Math.floor(entry.checkedAt / 1000),
    staleAfter: Math.floor(entry.freshUntil / 1000),
    written: Math.floor(now / 1000),
  };
}

/**
 * Only a resolution made from the environment alone is what the shell's prompt shows: a
 * `whoami --profile prod` or a doctor run for a provider block must not repaint the prompt of
 * a shell whose AWS_PROFILE is dev.
 */
export function writePromptState(store: CacheStore, r: Resolution, entry: IdentityEntry, now: number): void {
  if (!r.fromEnvironment || r.promptContext.length > MAX_STATE_NAME) return;
  const path = join(store.dir('prompt'), `${r.promptContext}.state`);
  store.writeAtomic(path, serializeState(stateFor(r, entry, now)));
}
