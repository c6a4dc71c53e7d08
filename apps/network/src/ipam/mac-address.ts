import { randomBytes } from 'node:crypto';

/** A unicast MAC in lower-case colon form, from colon or dash notation; undefined if it is not one. */
export function normaliseMac(text: string): string | undefined {
  if (typeof text !== 'string' || !/^([0-9a-fA-F]{2}([:-]|$)){6}$/.test(text)) return undefined;
  const octets = text.toLowerCase().split(/[:-]/);
  if (octets.every((o) => o === '00')) return undefined;
  if (parseInt(octets[0], 16) & 0x01) return undefined;
  return octets.join(':');
}

/**
 * Neutron's base_mac: the first three octets are kept, the fourth too when it is not 00, and the
 * rest are random. Uniqueness per network is the database's job; this only makes collisions rare.
 */
export class MacGenerator {
  private readonly fixed: number[];

  constructor(base: string) {
    const mac = normaliseMac(base);
    if (!mac) throw new Error(`base MAC ${base} is not a unicast MAC address`);
    const octets = mac.split(':').map((o) => parseInt(o, 16));
    this.fixed = octets.slice(0, octets[3] === 0 ? 3 : 4);
  }

  next(): string {
    const random = [...randomBytes(6 - this.fixed.length)];
    return [...this.fixed, ...random].map((o) => o.toString(16).padStart(2, '0')).join(':');
  }
}
