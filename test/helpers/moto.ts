// Real moto server for integration tests, fronted by a counting HTTP proxy.
//
//   const moto = await startMoto({ enforceAuth: true });
//   const u = await moto.createUser('alice');          // real IAM user + access key in moto
//   env.AWS_ENDPOINT_URL = moto.endpoint;               // point clients/terraform at the proxy
//   … moto.count('GetCallerIdentity') …                 // requests that reached moto, per Action
//   await moto.stop();
//
// Auth enforcement: moto checks SigV4 signatures and IAM policies once its global request
// counter reaches INITIAL_NO_AUTH_ACTION_COUNT. We start it with that count set to exactly the
// number of bootstrap calls (CreateUser + PutUserPolicy + CreateAccessKey for a harness admin),
// make them directly (not through the proxy), and from then on every request — including the
// harness's own setup calls, which are signed with the admin key — is authenticated.
//
// What moto (5.x) enforces, verified by test/helpers/moto.test.ts:
//   known key + right secret → 200 · unknown key → 403 InvalidClientTokenId
//   wrong secret → 403 SignatureDoesNotMatch · AKIA key + X-Amz-Security-Token → 403 InvalidClientTokenId
//   deleted key → InvalidClientTokenId (it is simply unknown afterwards)
// Error envelopes: the proxy rewrites moto's EC2-style `<Errors>` wrapper to the real STS/IAM shape
// (see realErrorEnvelope) — without that Terraform reports `UnknownError` instead of the code.
// What it does NOT enforce: key status (an Inactive key still authenticates), request time
// (no RequestExpired / clock skew), session expiry. Use test/helpers/sts-stub.ts for those.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { awsQuery, xmlValue, type TestCredentials } from './aws-query.js';

export const MOTO_ACCOUNT = '123456789012';

export interface MotoUser {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
  account: string;
}

export interface ProxiedRequest {
  service: string | undefined;
  action: string | undefined;
  accessKeyId: string | undefined;
  status: number;
}

export interface Moto {
  /** The counting proxy: point AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS / terraform endpoints here. */
  endpoint: string;
  /** moto itself (requests here are not counted). */
  directEndpoint: string;
  enforceAuth: boolean;
  /** Harness admin (full IAM policy) — only meaningful when auth is enforced. */
  admin: MotoUser | undefined;
  /** IAM CreateUser + CreateAccessKey (+ an inline policy: `admin` allows `*`, default; `none` nothing). */
  createUser(name: string, opts?: { policy?: 'admin' | 'none' }): Promise<MotoUser>;
  /** A further access key for an existing user. */
  createAccessKey(userName: string): Promise<MotoUser>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  /** IAM UpdateAccessKey. NB: moto records the status but does not enforce it on authentication. */
  setAccessKeyStatus(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  /** Number of proxied requests for `action` ("GetCallerIdentity") or `service:action` ("sts:GetCallerIdentity"). */
  count(action: string): number;
  /** All proxied requests, in arrival order. */
  requests(): readonly ProxiedRequest[];
  resetCounts(): void;
  /** Last lines moto wrote (for assertion messages). */
  log(): string;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: moto runs in its own process group; kill it on stop and on our exit.

const live = new Set<number>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
      live.clear();
      process.removeListener(sig, handler);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface MotoProcess {
  child: ChildProcess;
  port: number;
  log: () => string;
}

async function spawnMoto(env: NodeJS.ProcessEnv): Promise<MotoProcess> {
  let lastErr: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(process.env['CREDGUARD_PYTHON'] ?? 'python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    const onData = (d: Buffer): void => {
      buf = (buf + d.toString('utf8')).slice(-16_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exited = false;
    child.on('exit', () => {
      exited = true;
      if (child.pid) live.delete(child.pid);
    });
    child.on('error', (e) => {
      exited = true;
      lastErr = e;
    });
    if (child.pid) live.add(child.pid);
    // Don't let a forgotten stop() keep the test process alive; the exit hook kills moto.
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      try {
        // /moto-api/ calls are not IAM actions: they do not consume INITIAL_NO_AUTH_ACTION_COUNT.
        const res = await fetch(`http://127.0.0.1:${port}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status < 500) return { child, port, log: () => buf };
      } catch {
        /* not up yet */
      }
      await sleep(100);
    }
    if (child.pid) {
      killGroup(child.pid, 'SIGKILL');
      live.delete(child.pid);
    }
    lastErr = new Error(`moto did not start on port ${port} (attempt ${attempt + 1}):\n${buf}`);
  }
  throw lastErr ?? new Error('moto did not start');
}

// ---------------------------------------------------------------------------------------------
// counting proxy

function parseAction(req: http.IncomingMessage, body: Buffer): { service?: string; action?: string; accessKeyId?: string } {
  const out: { service?: string; action?: string; accessKeyId?: string } = {};
  const auth = req.headers['authorization'];
  const cred = typeof auth === 'string' ? /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth) : null;
  if (cred) {
    out.accessKeyId = cred[1];
    out.service = cred[2];
  }
  const url = new URL(req.url ?? '/', 'http://x');
  const target = req.headers['x-amz-target'];
  let text = '';
  try {
    text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
  } catch {
    text = body.toString('utf8');
  }
  const rpcv2 = /\/service\/[^/]+\/operation\/([^/?]+)/.exec(url.pathname);
  if (url.searchParams.get('Action')) out.action = url.searchParams.get('Action') ?? undefined;
  else if (typeof target === 'string' && target.includes('.')) out.action = target.slice(target.lastIndexOf('.') + 1);
  else if (rpcv2) out.action = rpcv2[1];
  else if (text.includes('Action=')) out.action = new URLSearchParams(text).get('Action') ?? undefined;
  return out;
}

const QUERY_XMLNS: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

/**
 * moto (5.x) wraps STS/IAM errors EC2-style, `<ErrorResponse><Errors><Error>…</Error></Errors></ErrorResponse>`,
 * which the Go SDK v2 (Terraform) cannot decode: it reports `api error UnknownError: UnknownError`.
 * Real STS/IAM answer `<ErrorResponse xmlns="…"><Error>…</Error><RequestId>…</RequestId></ErrorResponse>`;
 * the proxy rewrites to that shape so Terraform sees the real error code, as it would against AWS.
 */
export function realErrorEnvelope(body: string, xmlns: string): string {
  const m = /<Errors>\s*(<Error>[\s\S]*?<\/Error>)\s*<\/Errors>/.exec(body);
  if (!m) return body;
  const requestId = /<RequestI[dD]>([^<]*)<\/RequestI[dD]>/.exec(body)?.[1] ?? randomUUID();
  return `<ErrorResponse xmlns="${xmlns}">\n  ${m[1]}\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}

function startProxy(targetPort: number, record: (r: ProxiedRequest) => void): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const meta = parseAction(req, body);
      const isMotoApi = (req.url ?? '').startsWith('/moto-api');
      const upstream = http.request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const status = up.statusCode ?? 502;
          if (!isMotoApi) record({ service: meta.service, action: meta.action, accessKeyId: meta.accessKeyId, status });
          const ns = meta.service ? QUERY_XMLNS[meta.service] : undefined;
          if (status < 400 || !ns) {
            res.writeHead(status, up.headers);
            up.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const fixed = realErrorEnvelope(Buffer.concat(parts).toString('utf8'), ns);
            const headers = { ...up.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(fixed)) });
            res.end(fixed);
          });
        },
      );
      upstream.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`credguard moto proxy: ${e.message}`);
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(server);
    });
  });
}

// ---------------------------------------------------------------------------------------------

const ADMIN_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const IAM_VERSION = '2010-05-08';

export async function startMoto(opts: { enforceAuth?: boolean } = {}): Promise<Moto> {
  installExitHooks();
  const enforceAuth = opts.enforceAuth ?? false;
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], LANG: 'C.UTF-8' };
  for (const k of ['PYTHONPATH', 'PYENV_ROOT', 'PYENV_VERSION', 'VIRTUAL_ENV']) if (process.env[k]) env[k] = process.env[k];
  // Dummy creds for moto's own internals; never real ones.
  env['AWS_ACCESS_KEY_ID'] = 'AKIAMOTOINTERNAL0000';
  env['AWS_SECRET_ACCESS_KEY'] = 'motointernalsecretmotointernalsecret0000';
  env['AWS_DEFAULT_REGION'] = 'us-east-1';
  const BOOTSTRAP_CALLS = 3; // CreateUser, PutUserPolicy, CreateAccessKey for the harness admin
  if (enforceAuth) env['INITIAL_NO_AUTH_ACTION_COUNT'] = String(BOOTSTRAP_CALLS);

  const proc = await spawnMoto(env);
  const direct = `http://127.0.0.1:${proc.port}`;
  const log: ProxiedRequest[] = [];
  let proxy: http.Server | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (proxy) {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy?.close(() => r()));
    }
    const pid = proc.child.pid;
    if (pid && proc.child.exitCode === null && proc.child.signalCode === null) {
      const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
      killGroup(pid, 'SIGTERM');
      const t = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    if (pid) live.delete(pid);
  };

  try {
    // Unsigned bootstrap (consumes exactly the no-auth allowance) or, without auth, everything.
    const iam = async (params: Record<string, string>, credentials?: TestCredentials): Promise<string> => {
      const r = await awsQuery(direct, { service: 'iam', params: { ...params, Version: IAM_VERSION }, credentials: credentials ?? bootstrapCreds });
      if (r.status !== 200) throw new Error(`moto IAM ${params['Action']} failed: HTTP ${r.status}\n${r.body}`);
      return r.body;
    };
    // Before enforcement any signature is accepted; sign anyway so the request shape is real.
    const bootstrapCreds: TestCredentials = { accessKeyId: 'AKIAHARNESSBOOTSTRAP', secretAccessKey: 'x'.repeat(40) };

    const makeKey = async (userName: string, credentials?: TestCredentials): Promise<MotoUser> => {
      const body = await iam({ Action: 'CreateAccessKey', UserName: userName }, credentials);
      const accessKeyId = xmlValue(body, 'AccessKeyId');
      const secretAccessKey = xmlValue(body, 'SecretAccessKey');
      if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey: unexpected body\n${body}`);
      return { userName, accessKeyId, secretAccessKey, arn: `arn:aws:iam::${MOTO_ACCOUNT}:user/${userName}`, account: MOTO_ACCOUNT };
    };
    const makeUser = async (userName: string, policy: 'admin' | 'none', credentials?: TestCredentials): Promise<MotoUser> => {
      const body = await iam({ Action: 'CreateUser', UserName: userName }, credentials);
      const arn = xmlValue(body, 'Arn');
      if (policy === 'admin') {
        await iam({ Action: 'PutUserPolicy', UserName: userName, PolicyName: 'allow-all', PolicyDocument: ADMIN_POLICY }, credentials);
      }
      const key = await makeKey(userName, credentials);
      const account = arn ? (arn.split(':')[4] ?? MOTO_ACCOUNT) : MOTO_ACCOUNT;
      return { ...key, arn: arn ?? key.arn, account };
    };

    let admin: MotoUser | undefined;
    if (enforceAuth) {
      admin = await makeUser('credguard-harness-admin', 'admin'); // the BOOTSTRAP_CALLS unsigned-allowed calls
    }
    const setupCreds = (): TestCredentials | undefined => admin;

    proxy = await startProxy(proc.port, (r) => log.push(r));
    const addr = proxy.address();
    const proxyPort = typeof addr === 'object' && addr ? addr.port : 0;

    const moto: Moto = {
      endpoint: `http://127.0.0.1:${proxyPort}`,
      directEndpoint: direct,
      enforceAuth,
      admin,
      createUser: (name, o) => makeUser(name, o?.policy ?? 'admin', setupCreds()),
      createAccessKey: (userName) => makeKey(userName, setupCreds()),
      deleteAccessKey: async (userName, accessKeyId) => {
        await iam({ Action: 'DeleteAccessKey', UserName: userName, AccessKeyId: accessKeyId }, setupCreds());
      },
      setAccessKeyStatus: async (userName, accessKeyId, status) => {
        await iam({ Action: 'UpdateAccessKey', UserName: userName, AccessKeyId: accessKeyId, Status: status }, setupCreds());
      },
      count: (action) => log.filter((r) => r.action === action || (r.service !== undefined && `${r.service}:${r.action}` === action)).length,
      requests: () => log,
      resetCounts: () => {
        log.length = 0;
      },
      log: proc.log,
      stop,
    };
    return moto;
  } catch (e) {
    await stop();
    throw e;
  }
}
