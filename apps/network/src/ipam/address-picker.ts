import { randomBytes, randomInt } from 'node:crypto';
import { IpRange, rangeSize } from './ip-address';

/** Random probes into a pool at most a quarter full: all failing has odds of (3/4)^256. */
const PROBES = 256;

/**
 * Picks a free address from allocation pools, at random so that concurrent allocators (other
 * requests, other replicas) rarely choose the same one; the database's unique constraint settles
 * the collisions that remain. Returns undefined when every address in the pools is taken.
 */
export function pickFreeAddress(pools: readonly IpRange[], used: ReadonlySet<bigint>): bigint | undefined {
  const total = pools.reduce((sum, pool) => sum + rangeSize(pool), 0n);
  if (total === 0n) return undefined;
  const usedInPools = [...used].filter((value) => pools.some((p) => value >= p.first && value <= p.last));
  const free = total - BigInt(usedInPools.length);
  if (free <= 0n) return undefined;
  // Sparse pools (most IPv6 ones, fresh IPv4 ones): a random guess is almost always free.
  if (free * 4n >= total) {
    for (let i = 0; i < PROBES; i++) {
      const candidate = addressAt(pools, randomBigInt(total));
      if (!used.has(candidate)) return candidate;
    }
  }
  // Dense pools are small enough to list, since more than three quarters of them is allocated.
  const candidates: bigint[] = [];
  for (const pool of pools) {
    for (let value = pool.first; value <= pool.last; value++) if (!used.has(value)) candidates.push(value);
  }
  return candidates.length ? candidates[randomInt(candidates.length)] : undefined;
}

function addressAt(pools: readonly IpRange[], offset: bigint): bigint {
  let remaining = offset;
  for (const pool of pools) {
    const size = rangeSize(pool);
    if (remaining < size) return pool.first + remaining;
    remaining -= size;
  }
  throw new Error('offset beyond the pools');
}

function randomBigInt(below: bigint): bigint {
  if (below <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(randomInt(Number(below)));
  const bytes = Math.ceil(below.toString(16).length / 2) + 8;
  const value = BigInt(`0x${randomBytes(bytes).toString('hex')}`);
  return value % below;
}
