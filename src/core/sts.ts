// GetCallerIdentity for exactly the source the credential model resolved — never the JS
// default chain. The AWS SDK is imported lazily: only when a network call is about to happen.
import type { Context } from './context.js';
import { envKeyValues, type Resolution } from './resolve.js';
import { classifyProviderError, classifyStsError, type IdentityStatus } from './classify.js';
import type { CauseId } from './causes.js';
import { prepareSdkFiles } from './awsfiles.js';
import { redact } from './mask.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IdentityResult {
  status: IdentityStatus;
  cause?: CauseId;
  account?: string;
  arn?: string;
  userId?: string;
  errorCode?: string;
  /** The service's (or provider's) message, passed through `redact`: never a secret. */
  errorMessage?: string;
  explanation?: string;
  durationMs: number;
}

export interface StsOptions {
  timeoutMs: number;
  /** Provider-block keys, for source "provider-static". Kept in memory only. */
  staticCredentials?: StaticCredentials;
  /** The key worked before: an InvalidClientTokenId now means it was deleted or deactivated. */
  previouslyValid?: boolean;
}

/** Silence the SDK's Node-version notice: credguard's output must have no stray warnings. */
function quietSdk(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
}

export async function callerIdentity(ctx: Context, r: Resolution, opts: StsOptions): Promise<IdentityResult> {
  const started = ctx.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<IdentityResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        status: 'error',
        errorCode: 'Timeout',
        errorMessage: `no answer from STS within ${opts.timeoutMs} ms${r.stsEndpoint ? ` (${r.stsEndpoint})` : ''}`,
        explanation: 'STS did not answer in time: offline, a proxy, or a hung endpoint.',
        durationMs: opts.timeoutMs,
      });
    }, opts.timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([call(ctx, r, opts, controller.signal, started), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function call(ctx: Context, r: Resolution, opts: StsOptions, signal: AbortSignal, started: number): Promise<IdentityResult> {
  quietSdk();
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const region = r.region ?? 'us-east-1';
  const clientConfig = {
    region,
    ...(r.stsEndpoint ? { endpoint: r.stsEndpoint } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: opts.timeoutMs, requestTimeout: opts.timeoutMs },
  };
  let credentials;
  try {
    credentials = await credentialsFor(ctx, r, opts, clientConfig);
  } catch (err) {
    return providerFailure(err, started, ctx);
  }
  const client = new STSClient({ ...clientConfig, credentials });
  try {
    const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    return { status: 'ok', account: out.Account, arn: out.Arn, userId: out.UserId, durationMs: ctx.now() - started };
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError') return providerFailure(err, started, ctx);
    const code = e.Code ?? e.name ?? 'Error';
    const message = redact(e.message ?? '');
    if (!e.$metadata?.httpStatusCode) {
      return { status: 'error', errorCode: networkCode(err), errorMessage: message, explanation: `STS could not be reached: ${message}`, durationMs: ctx.now() - started };
    }
    const c = classifyStsError(code, message, r, opts.previouslyValid);
    return { status: c.status, cause: c.cause, errorCode: code, errorMessage: message, explanation: c.explanation, durationMs: ctx.now() - started };
  } finally {
    client.destroy();
  }
}

function networkCode(err: unknown): string {
  const code = (err as { code?: string }).code;
  return typeof code === 'string' ? code : 'NetworkError';
}

function providerFailure(err: unknown, started: number, ctx: Context): IdentityResult {
  const raw = (err as Error).message ?? String(err);
  const c = classifyProviderError(raw);
  const message = redact(raw);
  return { status: c.status, cause: c.cause, errorCode: (err as Error).name ?? 'CredentialsProviderError', errorMessage: message, explanation: c.explanation, durationMs: ctx.now() - started };
}

export type ClientConfig = { region: string; endpoint?: string };

/** The SDK credential provider for exactly the resolved source (never the default chain). */
export async function credentialsFor(ctx: Context, r: Resolution, opts: StsOptions, clientConfig: ClientConfig): Promise<StaticCredentials | (() => Promise<StaticCredentials>)> {
  switch (r.source) {
    case 'provider-static':
      if (!opts.staticCredentials) throw new Error('provider-block credentials were not supplied');
      return opts.staticCredentials;
    case 'env': {
      // The raw values, exactly as Terraform reads them from the environment (no trimming).
      const { id, secret, token } = envKeyValues(ctx.env);
      return { accessKeyId: id ?? '', secretAccessKey: secret ?? '', ...(token ? { sessionToken: token } : {}) };
    }
    case 'env-web-identity': {
      const { fromTokenFile } = await import('@aws-sdk/credential-providers');
      return fromTokenFile({
        roleArn: ctx.env['AWS_ROLE_ARN'],
        webIdentityTokenFile: ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE'],
        roleSessionName: ctx.env['AWS_ROLE_SESSION_NAME'],
        clientConfig,
      }) as () => Promise<StaticCredentials>;
    }
    case 'profile': {
      await prepareSdkFiles(ctx, r.files);
      const { fromIni } = await import('@aws-sdk/credential-providers');
      return fromIni({
        profile: r.profile,
        filepath: r.files.credentialsPath,
        configFilepath: r.files.configPath,
        clientConfig,
      }) as () => Promise<StaticCredentials>;
    }
    case 'container': {
      const { fromContainerMetadata } = await import('@aws-sdk/credential-providers');
      return fromContainerMetadata({ timeout: Math.min(1000, opts.timeoutMs), maxRetries: 0 }) as () => Promise<StaticCredentials>;
    }
    case 'imds': {
      const { fromInstanceMetadata } = await import('@aws-sdk/credential-providers');
      return fromInstanceMetadata({ timeout: Math.min(1000, opts.timeoutMs), maxRetries: 0 }) as () => Promise<StaticCredentials>;
    }
    default:
      throw new Error('no credential source is configured');
  }
}
