import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** For an affinity group, passes only the hosts its members are on; the first member may go anywhere. */
export class ServerGroupAffinityFilter implements HostFilter {
  readonly name = 'ServerGroupAffinityFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const group = spec.serverGroup;
    if (group?.policy !== 'affinity' || group.hosts.length === 0) return true;
    return group.hosts.includes(host.host);
  }
}
