import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export type TempUrlDigest = 'sha1' | 'sha256' | 'sha512';

/** The temp_url_* parameters of a request; undefined when it carries none. */
export interface TempUrlParams {
  sig: string;
  /** Seconds since the epoch; 0 when unparseable. */
  expires: number;
  prefix?: string;
  ipRange?: string;
  filename?: string;
  inline: boolean;
}

export function tempUrlParams(query: URLSearchParams): TempUrlParams | undefined {
  if (!query.has('temp_url_sig') && !query.has('temp_url_expires')) return undefined;
  return {
    sig: query.get('temp_url_sig') ?? '',
    expires: parseExpires(query.get('temp_url_expires') ?? ''),
    prefix: query.get('temp_url_prefix') ?? undefined,
    ipRange: query.get('temp_url_ip_range') ?? undefined,
    filename: query.get('filename') ?? undefined,
    inline: query.has('inline'),
  };
}

/** Integer seconds, or ISO 8601 "2030-01-01T00:00:00Z" as swift tempurl --iso8601 writes. */
function parseExpires(text: string): number {
  if (/^-?\d+$/.test(text)) return Number(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  if (!iso) return 0;
  const [, y, mo, d, h, mi, s] = iso.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

/** The signature as hex plus its digest, as Swift's tempurl reads it: hex sha1/sha256 or "<digest>:<base64>". */
function decodeSignature(sig: string): { digest: string; hex: string } | undefined {
  const colon = sig.indexOf(':');
  if (colon >= 0) {
    const digest = sig.slice(0, colon);
    const b64 = sig
      .slice(colon + 1)
      .replace(/-/g, '+')
      .replace(/_/g, '/');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
    return { digest, hex: Buffer.from(b64, 'base64').toString('hex') };
  }
  if (!/^[0-9a-fA-F]+$/.test(sig)) return undefined;
  if (sig.length === 40) return { digest: 'sha1', hex: sig.toLowerCase() };
  if (sig.length === 64) return { digest: 'sha256', hex: sig.toLowerCase() };
  return undefined;
}

export interface TempUrlCheck {
  params: TempUrlParams;
  method: string;
  account: string;
  container: string;
  object: string;
  keys: string[];
  allowedDigests: readonly TempUrlDigest[];
  clientIp?: string;
  nowSeconds: number;
}

/**
 * True when one of the keys signed one of the messages with an allowed digest, the signature
 * written as Swift's tempurl and formpost read it.
 */
export function signatureMatches(
  sig: string,
  allowedDigests: readonly TempUrlDigest[],
  keys: string[],
  messages: string[],
): boolean {
  const signature = decodeSignature(sig);
  if (!signature || !(allowedDigests as readonly string[]).includes(signature.digest)) return false;
  const given = Buffer.from(signature.hex, 'hex');
  for (const message of messages) {
    for (const key of keys) {
      const expected = createHmac(signature.digest, key).update(message).digest();
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
    }
  }
  return false;
}

/** Swift's tempurl middleware: true when some key signed this method, expiry and path (or prefix). */
export function tempUrlValid(check: TempUrlCheck): boolean {
  const { params } = check;
  if (!params.sig || !params.expires || params.expires < check.nowSeconds) return false;
  if (params.ipRange !== undefined && !ipInRange(check.clientIp, params.ipRange)) return false;
  let path: string;
  if (params.prefix === undefined) path = `/v1/${check.account}/${check.container}/${check.object}`;
  else {
    if (!check.object.startsWith(params.prefix)) return false;
    path = `prefix:/v1/${check.account}/${check.container}/${params.prefix}`;
  }
  const methods = check.method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [check.method];
  const messages = methods.map((method) => {
    const parts = [method, String(params.expires), path];
    if (params.ipRange !== undefined) parts.unshift(`ip=${params.ipRange}`);
    return parts.join('\n');
  });
  return signatureMatches(params.sig, check.allowedDigests, check.keys, messages);
}

/** A single address or an IPv4 CIDR block. */
function ipInRange(clientIp: string | undefined, range: string): boolean {
  if (!clientIp) return false;
  const ip = clientIp.replace(/^::ffff:/, '');
  const [base, bitsText] = range.split('/');
  if (bitsText === undefined) return ip === base;
  if (isIP(ip) !== 4 || isIP(base) !== 4) return false;
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toInt = (a: string) => a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** Content-Disposition for a temp URL GET: a download named after the object unless asked inline. */
export function tempUrlDisposition(
  params: TempUrlParams,
  object: string,
  existing?: string,
): string | undefined {
  const attach = (kind: string, name: string) =>
    `${kind}; filename="${name.replace(/"/g, '\\"')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
  if (params.filename) return attach(params.inline ? 'inline' : 'attachment', params.filename);
  if (params.inline) return 'inline';
  if (existing) return existing;
  const base = object.replace(/\/+$/, '').split('/').pop() ?? object;
  return attach('attachment', base);
}
