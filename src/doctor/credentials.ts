// The credentials of a resolved source, materialized for doctor's follow-up calls (IAM key status,
// the assume_role step). Same source mapping as core/sts.ts: exactly the source the model chose,
// never the JS default chain. Kept in memory only.
// TODO(lead): core/sts.ts has the same switch privately (credentialsFor); exporting it would
// remove this copy.
import type { Context } from '../core/context.js';
import type { Resolution } from '../core/resolve.js';
import type { StaticCredentials } from '../core/sts.js';

export async function materialize(ctx: Context, r: Resolution, staticCredentials: StaticCredentials | undefined, timeoutMs: number): Promise<StaticCredentials> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const clientConfig = { region: r.region ?? 'us-east-1', ...(r.stsEndpoint ? { endpoint: r.stsEndpoint } : {}) };
  let provider: (() => Promise<StaticCredentials>) | undefined;
  switch (r.source) {
    case 'provider-static':
      if (!staticCredentials) throw new Error('provider-block credentials are unknown');
      return staticCredentials;
    case 'env': {
      const token = ctx.env['AWS_SESSION_TOKEN'] || ctx.env['AWS_SECURITY_TOKEN'];
      return { accessKeyId: ctx.env['AWS_ACCESS_KEY_ID'] ?? '', secretAccessKey: ctx.env['AWS_SECRET_ACCESS_KEY'] ?? '', ...(token ? { sessionToken: token } : {}) };
    }
    case 'env-web-identity': {
      const { fromTokenFile } = await import('@aws-sdk/credential-providers');
      provider = fromTokenFile({ roleArn: ctx.env['AWS_ROLE_ARN'], webIdentityTokenFile: ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE'], roleSessionName: ctx.env['AWS_ROLE_SESSION_NAME'], clientConfig }) as () => Promise<StaticCredentials>;
      break;
    }
    case 'profile': {
      const { fromIni } = await import('@aws-sdk/credential-providers');
      provider = fromIni({ profile: r.profile, filepath: r.files.credentialsPath, configFilepath: r.files.configPath, clientConfig }) as () => Promise<StaticCredentials>;
      break;
    }
    default:
      throw new Error(`credentials of source "${r.source}" are not materialized by doctor`);
  }
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
