// A local STS endpoint that answers with real STS response bodies, for the failure modes moto
// cannot reproduce (expired session, clock skew, access denied, a hung endpoint).
//
//   const stub = await startStsStub({ error: 'ExpiredToken' });
//   env.AWS_ENDPOINT_URL_STS = stub.endpoint;
//   … stub.count('GetCallerIdentity') …
//   stub.set({ ok: { account: '111111111111' } });   // change behaviour mid-test
//   await stub.stop();
//
// Bodies and status codes follow what STS (query protocol, 2011-06-15) returns; messages are
// the ones users see, e.g. "api error ExpiredToken: The security token included in the request
// is expired" (terraform-provider-aws reports, StatusCode 403) and the clock-skew variant of
// SignatureDoesNotMatch "Signature expired: 20220127T001427Z is now earlier than
// 20220127T014428Z (20220127T015928Z - 15 min.)" (aws/aws-cli#6676).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export type StsErrorKind =
  | 'ExpiredToken'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  /** SignatureDoesNotMatch with the clock-skew message, direction chosen from the request's X-Amz-Date. */
  | 'ClockSkew'
  | 'RequestExpired'
  | 'AccessDenied';

export type StsBehaviour =
  | { ok: { account?: string; arn?: string; userId?: string } }
  | { error: StsErrorKind; message?: string; status?: number }
  /** accept the connection, read the request, never answer */
  | { hang: true }
  /** arbitrary raw response */
  | { raw: { status: number; body: string; headers?: Record<string, string> } };

export interface StubRequest {
  method: string;
  path: string;
  action: string | undefined;
  params: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  accessKeyId: string | undefined;
  amzDate: string | undefined;
}

export interface StsStub {
  endpoint: string;
  /** requests seen for `action` (all requests when omitted) */
  count(action?: string): number;
  requests(): readonly StubRequest[];
  resetCounts(): void;
  set(behaviour: StsBehaviour | ((req: StubRequest) => StsBehaviour)): void;
  stop(): Promise<void>;
}

export const STS_MESSAGES: Record<Exclude<StsErrorKind, 'ClockSkew'>, { status: number; message: string }> = {
  ExpiredToken: { status: 403, message: 'The security token included in the request is expired' },
  InvalidClientTokenId: { status: 403, message: 'The security token included in the request is invalid.' },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  RequestExpired: { status: 400, message: 'Request has expired.' },
  AccessDenied: {
    status: 403,
    message: 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/deploy',
  },
};

/** `20240102T030405Z` */
export function amzStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseStamp(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** The exact clock-skew message STS produces for a request signed at `signed`, received at `now`. */
export function clockSkewMessage(signed: Date, now: Date): string {
  const window = 15 * 60_000;
  if (signed.getTime() < now.getTime()) {
    return `Signature expired: ${amzStamp(signed)} is now earlier than ${amzStamp(new Date(now.getTime() - window))} (${amzStamp(now)} - 15 min.)`;
  }
  return `Signature not yet current: ${amzStamp(signed)} is still later than ${amzStamp(new Date(now.getTime() + window))} (${amzStamp(now)} + 15 min.)`;
}

export function stsErrorXml(code: string, message: string, requestId: string = randomUUID()): string {
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">\n` +
    `  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${escapeXml(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  );
}

export function getCallerIdentityXml(id: { account: string; arn: string; userId: string }, requestId: string = randomUUID()): string {
  return (
    `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(id.arn)}</Arn>\n    <UserId>${escapeXml(id.userId)}</UserId>\n    <Account>${id.account}</Account>\n` +
    `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`
  );
}

export function assumeRoleXml(
  roleArn: string,
  sessionName: string,
  expiration: Date,
  requestId: string = randomUUID(),
): string {
  const account = roleArn.split(':')[4] ?? '123456789012';
  const roleName = roleArn.split('/').pop() ?? 'role';
  return (
    `<AssumeRoleResponse xmlns="${STS_XMLNS}">\n  <AssumeRoleResult>\n    <Credentials>\n` +
    `      <AccessKeyId>ASIASTUBSTUBSTUBSTUB</AccessKeyId>\n` +
    `      <SecretAccessKey>stubstubstubstubstubstubstubstubstubstub</SecretAccessKey>\n` +
    `      <SessionToken>FwoGZXIvYXdzEStubSessionTokenForTestsOnly</SessionToken>\n` +
    `      <Expiration>${expiration.toISOString()}</Expiration>\n    </Credentials>\n` +
    `    <AssumedRoleUser>\n      <Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(sessionName)}</Arn>\n` +
    `      <AssumedRoleId>AROASTUBSTUBSTUBSTUB:${escapeXml(sessionName)}</AssumedRoleId>\n    </AssumedRoleUser>\n` +
    `  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n`
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Start the stub on 127.0.0.1 (random port). `now` is the stub's idea of the current time,
 * used for the ClockSkew message (defaults to the real clock).
 */
export async function startStsStub(
  behaviour: StsBehaviour | ((req: StubRequest) => StsBehaviour),
  opts: { now?: () => Date } = {},
): Promise<StsStub> {
  let current = behaviour;
  const seen: StubRequest[] = [];
  const sockets = new Set<Socket>();
  const now = opts.now ?? (() => new Date());

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://stub');
      const params = new URLSearchParams(text);
      for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
      const auth = typeof req.headers['authorization'] === 'string' ? req.headers['authorization'] : '';
      const amz = req.headers['x-amz-date'];
      const r: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        action: params.get('Action') ?? undefined,
        params,
        headers: req.headers,
        accessKeyId: /Credential=([^/,\s]+)\//.exec(auth)?.[1],
        amzDate: typeof amz === 'string' ? amz : undefined,
      };
      seen.push(r);
      const b = typeof current === 'function' ? current(r) : current;
      const requestId = randomUUID();
      const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...headers });
        res.end(body);
      };
      if ('hang' in b) return; // never answer; the socket is destroyed on stop()
      if ('raw' in b) return send(b.raw.status, b.raw.body, b.raw.headers);
      if ('ok' in b) {
        const account = b.ok.account ?? '123456789012';
        if (r.action === 'AssumeRole') {
          const roleArn = params.get('RoleArn') ?? `arn:aws:iam::${account}:role/stub`;
          const seconds = Number(params.get('DurationSeconds') ?? '3600');
          return send(200, assumeRoleXml(roleArn, params.get('RoleSessionName') ?? 'session', new Date(now().getTime() + seconds * 1000), requestId));
        }
        const arn = b.ok.arn ?? `arn:aws:iam::${account}:user/stub`;
        return send(200, getCallerIdentityXml({ account, arn, userId: b.ok.userId ?? 'AIDASTUBSTUBSTUBSTUB' }, requestId));
      }
      if (b.error === 'ClockSkew') {
        const signed = (r.amzDate && parseStamp(r.amzDate)) || new Date(now().getTime() - 60 * 60_000);
        return send(b.status ?? 403, stsErrorXml('SignatureDoesNotMatch', b.message ?? clockSkewMessage(signed, now()), requestId));
      }
      const def = STS_MESSAGES[b.error];
      return send(b.status ?? def.status, stsErrorXml(b.error, b.message ?? def.message, requestId));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: (action) => (action === undefined ? seen.length : seen.filter((r) => r.action === action).length),
    requests: () => seen,
    resetCounts: () => {
      seen.length = 0;
    },
    set: (b) => {
      current = b;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
