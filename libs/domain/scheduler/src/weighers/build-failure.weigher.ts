import type { HostState } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/**
 * Pushes away hosts whose recent builds failed: a host that fails every build also finishes fastest
 * and would otherwise win every weighing. The configured multiplier is positive (it reads as "how
 * much to care") and is negated here, as Nova does; the default is large enough to outweigh all else.
 */
export class BuildFailureWeigher implements HostWeigher {
  readonly name = 'BuildFailureWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return -aggregateWeightMultiplier(host, 'build_failure_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState): number {
    return host.failedBuilds;
  }
}
