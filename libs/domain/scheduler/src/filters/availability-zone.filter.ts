import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** Passes hosts in the requested availability zone; without one, any zone will do. */
export class AvailabilityZoneFilter implements HostFilter {
  readonly name = 'AvailabilityZoneFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    return !spec.availabilityZone || spec.availabilityZone === host.availabilityZone;
  }
}
