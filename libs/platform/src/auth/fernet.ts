import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Fernet (https://github.com/fernet/spec): AES-128-CBC for secrecy, HMAC-SHA256 for integrity,
 * a version byte and a timestamp. A key is 32 bytes, base64url: signing key, then encryption key.
 */
const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const MAC = 32;

export class FernetKey {
  private constructor(
    readonly signing: Buffer,
    readonly encryption: Buffer,
  ) {}

  static parse(text: string): FernetKey {
    const raw = Buffer.from(text.trim(), 'base64url');
    if (raw.length !== 32) throw new Error('a Fernet key is 32 bytes of base64url');
    return new FernetKey(raw.subarray(0, 16), raw.subarray(16));
  }

  static generate(): string {
    return randomBytes(32).toString('base64url') + '=';
  }

  encrypt(plaintext: Buffer, now = Date.now()): string {
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', this.encryption, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const header = Buffer.alloc(9);
    header.writeUInt8(VERSION, 0);
    header.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
    const body = Buffer.concat([header, iv, ciphertext]);
    const mac = createHmac('sha256', this.signing).update(body).digest();
    return Buffer.concat([body, mac]).toString('base64url');
  }

  /** Returns the plaintext, or undefined when this key did not make the token or it was altered. */
  decrypt(token: string): Buffer | undefined {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < HEADER + 16 + MAC || raw[0] !== VERSION) return undefined;
    const body = raw.subarray(0, raw.length - MAC);
    const mac = raw.subarray(raw.length - MAC);
    const expected = createHmac('sha256', this.signing).update(body).digest();
    if (!timingSafeEqual(mac, expected)) return undefined;
    const iv = body.subarray(9, HEADER);
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.encryption, iv);
      return Buffer.concat([decipher.update(body.subarray(HEADER)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}
