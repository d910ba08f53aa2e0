// The credentials of a resolved source, materialized for doctor's follow-up calls (IAM key status,
// the assume_role step). Same source mapping as core/sts.ts: exactly the source the model chose,
// never the JS default chain (core/sts.ts credentialsFor). Kept in memory only.
import type { Context } from '../core/context.js';
import type { Resolution } from '../core/resolve.js';
import { credentialsFor, type StaticCredentials } from '../core/sts.js';

export async function materialize(ctx: Context, r: Resolution, staticCredentials: StaticCredentials | undefined, timeoutMs: number): Promise<StaticCredentials> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const clientConfig = { region: r.region ?? 'us-east-1', ...(r.stsEndpoint ? { endpoint: r.stsEndpoint } : {}) };
  const source = await credentialsFor(ctx, r, { timeoutMs, ...(staticCredentials ? { staticCredentials } : {}) }, clientConfig);
  if (typeof source !== 'function') return source;
  const provider = source;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      provider(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`credentials not obtained within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
