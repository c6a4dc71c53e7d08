import { fits } from '../claim';
import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/**
 * Nova's NUMA-less CPU check: room for the flavor's vCPUs once cpu_allocation_ratio and reserved
 * CPUs apply, and no more vCPUs than the host has.
 */
export class VCpuFilter implements HostFilter {
  readonly name = 'VCpuFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    return fits(host.vcpus, spec.flavor.vcpus);
  }
}
