import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/**
 * Favours free memory, so instances spread by default. Free is physical (total - reserved - used),
 * not overcommitted capacity, as Nova's free_ram_mb: an overcommitted host must not look roomy.
 */
export class RamWeigher implements HostWeigher {
  readonly name = 'RAMWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'ram_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    const { total, reserved, used } = host.memoryMb;
    return total - reserved - used;
  }
}
