// A small SigV4-signed AWS Query client (node:crypto only) for IAM ListAccessKeys — the AWS SDK
// for JavaScript's IAM client is not a dependency — plus the unsigned clock probe. Secrets are
// used to sign and never leave this module.
import { createHash, createHmac } from 'node:crypto';
import type { StaticCredentials } from '../core/sts.js';

const sha256hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();

function awsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export interface QueryResponse {
  status: number;
  body: string;
  /** The server's `Date` header, epoch ms. */
  serverDate?: number;
}

export async function awsQuery(endpoint: string, opts: { service: string; region: string; params: Record<string, string>; credentials: StaticCredentials; now: number; timeoutMs: number }): Promise<QueryResponse> {
  const url = new URL(endpoint);
  const body = Object.entries(opts.params).map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`).join('&');
  const stamp = new Date(opts.now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = stamp.slice(0, 8);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: url.host, 'x-amz-date': stamp };
  if (opts.credentials.sessionToken) headers['x-amz-security-token'] = opts.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname || '/', '', names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join(''), names.join(';'), sha256hex(body)].join('\n');
  const scope = `${date}/${opts.region}/${opts.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256hex(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(hmac('AWS4' + opts.credentials.secretAccessKey, date), opts.region), opts.service), 'aws4_request');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${opts.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex')}`;
  const { host: _host, ...send } = headers;
  const res = await fetch(url, { method: 'POST', headers: send, body, signal: AbortSignal.timeout(opts.timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: text, ...dateOf(res) };
}

function dateOf(res: Response): { serverDate?: number } {
  const d = res.headers.get('date');
  const ms = d ? Date.parse(d) : NaN;
  return Number.isFinite(ms) ? { serverDate: ms } : {};
}

/** The server's clock, from the `Date` header of an unsigned request (any status will do). */
export async function serverTime(endpoint: string, timeoutMs: number): Promise<number | undefined> {
  try {
    const res = await fetch(endpoint, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return dateOf(res).serverDate;
  } catch {
    return undefined;
  }
}

/** All `<Tag>value</Tag>` in an XML body (the Query protocol's flat shapes). */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1] ?? ''));
}

export function xmlValue(xml: string, tag: string): string | undefined {
  return xmlValues(xml, tag)[0];
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
