import type { HostState } from '../host-state';

/**
 * The multiplier for one host: its aggregates may override the configured value under the
 * option's name (e.g. metadata ram_weight_multiplier=-1.0 makes one aggregate stack), as in Nova.
 * Several overrides resolve to the smallest, as in Nova, so an aggregate layout behaves the same
 * here; one that is not a number voids them all rather than letting a typo pick the value.
 */
export function aggregateWeightMultiplier(host: HostState, key: string, configured: number): number {
  let smallest: number | undefined;
  for (const aggregate of host.aggregates) {
    const raw = aggregate.metadata[key];
    if (raw === undefined) continue;
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value)) return configured;
    smallest = smallest === undefined ? value : Math.min(smallest, value);
  }
  return smallest ?? configured;
}
