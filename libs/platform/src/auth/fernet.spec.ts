import { FernetKey } from './fernet';

describe('FernetKey', () => {
  const key = FernetKey.parse(FernetKey.generate());

  it('round-trips a message and stamps the time', () => {
    const token = key.encrypt(Buffer.from('hello'), Date.UTC(2026, 0, 1));
    expect(key.decrypt(token)?.toString()).toBe('hello');
    const raw = Buffer.from(token, 'base64url');
    expect(raw[0]).toBe(0x80);
    expect(Number(raw.readBigUInt64BE(1))).toBe(Date.UTC(2026, 0, 1) / 1000);
  });

  it('refuses a token made with another key', () => {
    const other = FernetKey.parse(FernetKey.generate());
    expect(key.decrypt(other.encrypt(Buffer.from('x')))).toBeUndefined();
  });

  it('refuses a token with any byte changed', () => {
    const raw = Buffer.from(key.encrypt(Buffer.from('a secret payload')), 'base64url');
    for (const index of [0, 5, 20, 40, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[index] ^= 0x01;
      expect(key.decrypt(tampered.toString('base64url'))).toBeUndefined();
    }
  });

  it('refuses truncated and garbage tokens', () => {
    expect(key.decrypt('')).toBeUndefined();
    expect(key.decrypt('not-a-token')).toBeUndefined();
    expect(key.decrypt(key.encrypt(Buffer.from('x')).slice(0, 40))).toBeUndefined();
  });

  it('rejects keys of the wrong length', () => {
    expect(() => FernetKey.parse(Buffer.alloc(16).toString('base64url'))).toThrow('32 bytes');
  });
});
