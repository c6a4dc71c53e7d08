import { pickFreeAddress } from './address-picker';
import type { IpRange } from './ip-address';

const range = (first: number, last: number): IpRange => ({
  version: 4,
  first: BigInt(first),
  last: BigInt(last),
});

describe('pickFreeAddress', () => {
  it('picks only addresses inside the pools and not taken', () => {
    const pools = [range(10, 12), range(20, 21)];
    const used = new Set([10n, 11n, 12n, 20n]);
    for (let i = 0; i < 20; i++) expect(pickFreeAddress(pools, used)).toBe(21n);
  });

  it('answers undefined when the pools are full or empty', () => {
    expect(pickFreeAddress([range(1, 2)], new Set([1n, 2n]))).toBeUndefined();
    expect(pickFreeAddress([], new Set())).toBeUndefined();
  });

  it('spreads picks over a sparse pool, so concurrent allocators rarely collide', () => {
    const picks = new Set(Array.from({ length: 50 }, () => pickFreeAddress([range(2, 254)], new Set())));
    expect(picks.size).toBeGreaterThan(30);
  });

  it('handles IPv6 pools far larger than a number can count', () => {
    const pool: IpRange = { version: 6, first: 1n << 64n, last: (1n << 65n) - 1n };
    const pick = pickFreeAddress([pool], new Set())!;
    expect(pick >= pool.first && pick <= pool.last).toBe(true);
  });
});
