import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/**
 * Weighs by instance count. Off by default (multiplier 0); a negative multiplier spreads by count,
 * a positive one packs, whatever the flavors' sizes.
 */
export class NumInstancesWeigher implements HostWeigher {
  readonly name = 'NumInstancesWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'num_instances_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    return host.instances.length;
  }
}
