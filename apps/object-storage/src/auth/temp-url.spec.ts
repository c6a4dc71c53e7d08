import { createHmac } from 'node:crypto';
import { TempUrlCheck, tempUrlDisposition, tempUrlParams, tempUrlValid } from './temp-url';

const NOW = 1_700_000_000;

function signed(method: string, expires: number, path: string, key: string, digest = 'sha256'): string {
  return createHmac(digest, key).update(`${method}\n${expires}\n${path}`).digest('hex');
}

function check(query: string, overrides: Partial<TempUrlCheck> = {}): boolean {
  return tempUrlValid({
    params: tempUrlParams(new URLSearchParams(query))!,
    method: 'GET',
    account: 'AUTH_p',
    container: 'c',
    object: 'dir/o.txt',
    keys: ['secret'],
    allowedDigests: ['sha1', 'sha256', 'sha512'],
    nowSeconds: NOW,
    ...overrides,
  });
}

describe('temporary URLs', () => {
  const path = '/v1/AUTH_p/c/dir/o.txt';
  const expires = NOW + 60;

  it('accepts hex sha256 and sha1 signatures by any of the keys', () => {
    expect(check(`temp_url_sig=${signed('GET', expires, path, 'secret')}&temp_url_expires=${expires}`)).toBe(
      true,
    );
    const sha1 = signed('GET', expires, path, 'other', 'sha1');
    expect(check(`temp_url_sig=${sha1}&temp_url_expires=${expires}`, { keys: ['secret', 'other'] })).toBe(
      true,
    );
  });

  it('accepts "sha512:<base64url>" signatures and ISO 8601 expiry', () => {
    const mac = createHmac('sha512', 'secret').update(`GET\n${expires}\n${path}`).digest('base64url');
    const iso = new Date(expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(check(`temp_url_sig=sha512:${mac}&temp_url_expires=${iso}`)).toBe(true);
  });

  it('refuses expired, wrong-method, wrong-key and disallowed-digest signatures', () => {
    const sig = signed('GET', expires, path, 'secret');
    expect(check(`temp_url_sig=${sig}&temp_url_expires=${expires}`, { nowSeconds: expires + 1 })).toBe(false);
    expect(check(`temp_url_sig=${sig}&temp_url_expires=${expires}`, { method: 'PUT' })).toBe(false);
    expect(check(`temp_url_sig=${sig}&temp_url_expires=${expires}`, { keys: ['nope'] })).toBe(false);
    expect(check(`temp_url_sig=${sig}&temp_url_expires=${expires}`, { allowedDigests: ['sha512'] })).toBe(
      false,
    );
    expect(check(`temp_url_sig=${sig}&temp_url_expires=${expires}`, { keys: [] })).toBe(false);
    expect(check(`temp_url_expires=${expires}`)).toBe(false);
  });

  it('lets HEAD through with a GET or PUT signature', () => {
    const put = signed('PUT', expires, path, 'secret');
    expect(check(`temp_url_sig=${put}&temp_url_expires=${expires}`, { method: 'HEAD' })).toBe(true);
  });

  it('signs prefixes for every object under them', () => {
    const sig = signed('GET', expires, 'prefix:/v1/AUTH_p/c/dir/', 'secret');
    const query = `temp_url_sig=${sig}&temp_url_expires=${expires}&temp_url_prefix=dir/`;
    expect(check(query)).toBe(true);
    expect(check(query, { object: 'elsewhere.txt' })).toBe(false);
  });

  it('names the download after the object unless asked otherwise', () => {
    const params = tempUrlParams(new URLSearchParams('temp_url_sig=x&temp_url_expires=1'))!;
    expect(tempUrlDisposition(params, 'dir/o.txt')).toBe(
      `attachment; filename="o.txt"; filename*=UTF-8''o.txt`,
    );
    expect(tempUrlDisposition({ ...params, inline: true }, 'dir/o.txt')).toBe('inline');
    expect(tempUrlDisposition({ ...params, filename: 'a b' }, 'o')).toBe(
      `attachment; filename="a b"; filename*=UTF-8''a%20b`,
    );
  });
});
