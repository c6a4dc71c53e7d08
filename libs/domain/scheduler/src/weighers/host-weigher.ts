import type { HostState, RequestSpec } from '../host-state';

/**
 * Rates a host; higher wins. The scheduler normalises each weigher's values to [0, 1] across the
 * candidates and multiplies them by `multiplier`, so a negative multiplier turns spreading into stacking.
 */
export interface HostWeigher {
  readonly name: string;
  multiplier(host: HostState): number;
  weigh(host: HostState, spec: RequestSpec): number;
}
