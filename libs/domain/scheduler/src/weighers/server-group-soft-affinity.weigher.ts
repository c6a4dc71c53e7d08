import { groupMembersOnHost } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import type { HostWeigher } from './host-weigher';
import { aggregateWeightMultiplier } from './weight-multiplier';

/** For a soft-affinity group, favours hosts holding more of its members, without excluding the others. */
export class ServerGroupSoftAffinityWeigher implements HostWeigher {
  readonly name = 'ServerGroupSoftAffinityWeigher';

  constructor(private readonly configuredMultiplier: number) {}

  multiplier(host: HostState): number {
    return aggregateWeightMultiplier(host, 'soft_affinity_weight_multiplier', this.configuredMultiplier);
  }

  weigh(host: HostState, spec: RequestSpec): number {
    const group = spec.serverGroup;
    return group?.policy === 'soft-affinity' ? groupMembersOnHost(host, group) : 0;
  }
}
