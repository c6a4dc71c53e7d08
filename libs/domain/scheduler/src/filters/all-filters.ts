import { AggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs.filter';
import { AvailabilityZoneFilter } from './availability-zone.filter';
import { ComputeFilter } from './compute.filter';
import { DifferentHostFilter } from './different-host.filter';
import { DiskFilter } from './disk.filter';
import type { HostFilter } from './host-filter';
import { ImagePropertiesFilter } from './image-properties.filter';
import { RamFilter } from './ram.filter';
import { SameHostFilter } from './same-host.filter';
import { ServerGroupAffinityFilter } from './server-group-affinity.filter';
import { ServerGroupAntiAffinityFilter } from './server-group-anti-affinity.filter';
import { VCpuFilter } from './vcpu.filter';

export interface FilterSettings {
  readonly serviceDownTimeSeconds: number;
  readonly clock: () => number;
}

/** Every filter a configuration may name, by the name Nova gives it. */
export const ALL_FILTERS: ReadonlyMap<string, (settings: FilterSettings) => HostFilter> = new Map<
  string,
  (settings: FilterSettings) => HostFilter
>([
  ['ComputeFilter', (s) => new ComputeFilter(s.serviceDownTimeSeconds, s.clock)],
  ['RamFilter', () => new RamFilter()],
  ['DiskFilter', () => new DiskFilter()],
  ['VCpuFilter', () => new VCpuFilter()],
  ['AvailabilityZoneFilter', () => new AvailabilityZoneFilter()],
  ['ImagePropertiesFilter', () => new ImagePropertiesFilter()],
  ['ServerGroupAffinityFilter', () => new ServerGroupAffinityFilter()],
  ['ServerGroupAntiAffinityFilter', () => new ServerGroupAntiAffinityFilter()],
  ['SameHostFilter', () => new SameHostFilter()],
  ['DifferentHostFilter', () => new DifferentHostFilter()],
  ['AggregateInstanceExtraSpecsFilter', () => new AggregateInstanceExtraSpecsFilter()],
]);
