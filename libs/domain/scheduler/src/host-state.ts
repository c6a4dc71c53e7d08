/**
 * The scheduler's view of one compute host and of one placement request. Plain, JSON-shaped data:
 * the host view is rebuilt from the events compute agents publish, and the request comes over the bus.
 */

/** One resource class of a host, kept the way Placement keeps an inventory. */
export interface ResourceInventory {
  readonly total: number;
  /** Held back for the hypervisor host itself (Nova's reserved_host_*); never offered to instances. */
  readonly reserved: number;
  /** Consumed by instances; does not include `reserved`. */
  readonly used: number;
  /** Overcommit factor applied to `total - reserved`. */
  readonly allocationRatio: number;
}

export interface Aggregate {
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface HostInstance {
  readonly id: string;
  readonly serverGroupId?: string;
}

export interface HostState {
  readonly host: string;
  readonly nodename: string;
  readonly vcpus: ResourceInventory;
  readonly memoryMb: ResourceInventory;
  readonly diskGb: ResourceInventory;
  /** Builds, resizes and migrations under way on the host (Nova's num_io_ops). */
  readonly numIoOps: number;
  readonly hypervisorType: string;
  /** Dotted, e.g. "8.0.0"; empty when the driver does not report one. */
  readonly hypervisorVersion: string;
  readonly cpuArch: string;
  /**
   * Already resolved by whoever builds the view, as Nova does it: the zone named by the host's
   * aggregates, or the default zone when none names one.
   */
  readonly availabilityZone: string;
  readonly aggregates: readonly Aggregate[];
  readonly serviceDisabled: boolean;
  /** Epoch milliseconds of the agent's last report; null when it has never reported. */
  readonly lastHeartbeatAt: number | null;
  /** Consecutive failed builds, reset by the agent on a successful one. */
  readonly failedBuilds: number;
  /** Its length is the host's instance count, so the two cannot disagree. */
  readonly instances: readonly HostInstance[];
}

export interface Flavor {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly rootGb: number;
  readonly ephemeralGb?: number;
  readonly swapMb?: number;
  readonly extraSpecs: Readonly<Record<string, string>>;
}

/** Image properties under their Glance names (architecture, hypervisor_type, hw_*, ...). */
export interface ImageProperties {
  readonly architecture?: string;
  readonly hypervisor_type?: string;
  /** A version predicate such as ">=6.0,<6.2". */
  readonly hypervisor_version_requires?: string;
  readonly [property: string]: string | undefined;
}

export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

export interface ServerGroup {
  readonly id: string;
  readonly policy: ServerGroupPolicy;
  /** Instance ids in the group, including those of the request being scheduled. */
  readonly members: readonly string[];
  /** Hosts the members are on. */
  readonly hosts: readonly string[];
  /** The anti-affinity rule of compute API 2.64; 1 when absent. */
  readonly maxServerPerHost?: number;
}

export interface SchedulerHints {
  readonly sameHost?: readonly string[];
  readonly differentHost?: readonly string[];
  /** The group the caller named; its policy and members arrive resolved in RequestSpec.serverGroup. */
  readonly group?: string;
}

export interface RequestSpec {
  /**
   * One id per instance to place; its length is Nova's num_instances. Ids rather than a count,
   * because placing one instance of a group must be visible to the group filters for the next.
   */
  readonly instanceUuids: readonly string[];
  readonly flavor: Flavor;
  readonly image: ImageProperties;
  /** The root disk then lives in block storage and takes no room on the hypervisor. */
  readonly bootFromVolume?: boolean;
  readonly availabilityZone?: string;
  readonly schedulerHints?: SchedulerHints;
  readonly serverGroup?: ServerGroup;
  readonly ignoreHosts?: readonly string[];
  /** An administrator's choice: these hosts are taken as they are, without running the filters. */
  readonly forceHosts?: readonly string[];
}

/** Instances on the host that belong to the group, by the request's member list or the host's own record. */
export function groupMembersOnHost(host: HostState, group: ServerGroup): number {
  const members = new Set(group.members);
  return host.instances.filter((i) => members.has(i.id) || i.serverGroupId === group.id).length;
}

export function hasAnyInstance(host: HostState, instanceIds: readonly string[]): boolean {
  const wanted = new Set(instanceIds);
  return host.instances.some((i) => wanted.has(i.id));
}

/**
 * Every value each metadata key takes across the host's aggregates. A value may list several
 * items separated by commas, which count separately (as Nova reads aggregate metadata).
 */
export function aggregateMetadata(host: HostState): Map<string, Set<string>> {
  const metadata = new Map<string, Set<string>>();
  for (const aggregate of host.aggregates) {
    for (const [key, value] of Object.entries(aggregate.metadata)) {
      const values = metadata.get(key) ?? new Set<string>();
      for (const item of value.split(',')) values.add(item.trim());
      metadata.set(key, values);
    }
  }
  return metadata;
}
