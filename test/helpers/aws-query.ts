// A tiny SigV4-signed AWS Query-protocol client (STS, IAM) for test harnesses.
// Hand-written on node:crypto so the harness does not depend on the SDK under test.
import { createHash, createHmac } from 'node:crypto';

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface QueryResult {
  status: number;
  body: string;
}

const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();

function amzDate(d: Date): { date: string; stamp: string } {
  const iso = d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { date: iso.slice(0, 8), stamp: iso };
}

/** RFC 3986 encoding as AWS expects in form bodies and canonical query strings. */
export function awsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function formBody(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`)
    .join('&');
}

/**
 * POST a signed AWS Query request (`Action=…&Version=…`) to `endpoint` (e.g. http://127.0.0.1:5000).
 * `now` lets a test sign with a skewed clock.
 */
export async function awsQuery(
  endpoint: string,
  opts: {
    service: 'sts' | 'iam' | string;
    region?: string;
    params: Record<string, string>;
    credentials?: TestCredentials;
    now?: Date;
    timeoutMs?: number;
  },
): Promise<QueryResult> {
  const url = new URL(endpoint);
  const region = opts.region ?? 'us-east-1';
  const body = formBody(opts.params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: url.host,
  };
  if (opts.credentials) {
    const { date, stamp } = amzDate(opts.now ?? new Date());
    headers['x-amz-date'] = stamp;
    if (opts.credentials.sessionToken) headers['x-amz-security-token'] = opts.credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join('');
    const signedHeaders = names.join(';');
    const path = url.pathname || '/';
    const canonicalRequest = ['POST', path, '', canonicalHeaders, signedHeaders, sha256hex(body)].join('\n');
    const scope = `${date}/${region}/${opts.service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256hex(canonicalRequest)].join('\n');
    const kDate = hmac('AWS4' + opts.credentials.secretAccessKey, date);
    const kSigning = hmac(hmac(hmac(kDate, region), opts.service), 'aws4_request');
    const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
    headers['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${opts.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }
  const { host: _host, ...sendHeaders } = headers; // fetch sets Host itself (same value)
  const res = await fetch(url, {
    method: 'POST',
    headers: sendHeaders,
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  return { status: res.status, body: await res.text() };
}

/** First `<Tag>value</Tag>` in an XML body (test-grade, no namespaces). */
export function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1];
}
