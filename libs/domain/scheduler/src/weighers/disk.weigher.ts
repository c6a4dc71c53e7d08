import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/** Favours free local disk, physical rather than overcommitted, as Nova's free_disk_mb. */
export class DiskWeigher implements HostWeigher {
  readonly name = 'DiskWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'disk_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    const { total, reserved, used } = host.diskGb;
    return total - reserved - used;
  }
}
