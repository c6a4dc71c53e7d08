import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/** Weighs by operations under way; the default multiplier is negative, so busy hosts lose. */
export class IoOpsWeigher implements HostWeigher {
  readonly name = 'IoOpsWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'io_ops_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    return host.numIoOps;
  }
}
