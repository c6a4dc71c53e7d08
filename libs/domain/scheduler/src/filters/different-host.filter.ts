import { hasAnyInstance } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** The different_host hint: passes hosts that run none of the named instances. */
export class DifferentHostFilter implements HostFilter {
  readonly name = 'DifferentHostFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const ids = spec.schedulerHints?.differentHost;
    return !ids?.length || !hasAnyInstance(host, ids);
  }
}
