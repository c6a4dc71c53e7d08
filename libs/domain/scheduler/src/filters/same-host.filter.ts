import { hasAnyInstance } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** The same_host hint: passes hosts that run at least one of the named instances. */
export class SameHostFilter implements HostFilter {
  readonly name = 'SameHostFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const ids = spec.schedulerHints?.sameHost;
    return !ids?.length || hasAnyInstance(host, ids);
  }
}
