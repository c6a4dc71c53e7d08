import { groupMembersOnHost } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** For an anti-affinity group, passes hosts holding fewer members than max_server_per_host (1 by default). */
export class ServerGroupAntiAffinityFilter implements HostFilter {
  readonly name = 'ServerGroupAntiAffinityFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const group = spec.serverGroup;
    if (group?.policy !== 'anti-affinity') return true;
    return groupMembersOnHost(host, group) < (group.maxServerPerHost ?? 1);
  }
}
