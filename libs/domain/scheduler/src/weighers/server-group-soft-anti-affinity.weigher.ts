import { groupMembersOnHost } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/**
 * For a soft-anti-affinity group, favours hosts holding fewer of its members. The count is negated
 * rather than the multiplier, as in Nova, so that operators set a positive "how much to care".
 */
export class ServerGroupSoftAntiAffinityWeigher implements HostWeigher {
  readonly name = 'ServerGroupSoftAntiAffinityWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'soft_anti_affinity_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState, spec: RequestSpec): number {
    const group = spec.serverGroup;
    if (group?.policy !== 'soft-anti-affinity') return 0;
    // 0 - n rather than -n, so that a host without members weighs 0 and not -0.
    return 0 - groupMembersOnHost(host, group);
  }
}
