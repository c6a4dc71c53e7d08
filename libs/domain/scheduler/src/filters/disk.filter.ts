import { fits, requestedResources } from '../claim';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/**
 * Passes hosts with local disk for the root (unless volume-backed), ephemeral and swap disks once
 * disk_allocation_ratio and reserved disk apply.
 */
export class DiskFilter implements HostFilter {
  readonly name = 'DiskFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    return fits(host.diskGb, requestedResources(spec.flavor, spec.bootFromVolume).diskGb);
  }
}
