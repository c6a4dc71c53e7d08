import { capacity } from '../claim';
import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/**
 * Favours free vCPUs. Unlike memory, Nova counts them against the overcommitted capacity, since
 * CPU time is shared rather than held: a host with a higher cpu_allocation_ratio has more to give.
 */
export class CpuWeigher implements HostWeigher {
  readonly name = 'CPUWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'cpu_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    return capacity(host.vcpus) - host.vcpus.used;
  }
}
