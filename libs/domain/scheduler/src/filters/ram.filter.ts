import { fits } from '../claim';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/** Passes hosts with room for the flavor's memory once ram_allocation_ratio and reserved memory apply. */
export class RamFilter implements HostFilter {
  readonly name = 'RamFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    return fits(host.memoryMb, spec.flavor.memoryMb);
  }
}
