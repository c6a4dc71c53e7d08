import type { Flavor, HostState, RequestSpec, ResourceInventory } from './host-state';

export type ResourceClass = 'vcpus' | 'memoryMb' | 'diskGb';

export const RESOURCE_CLASSES: readonly ResourceClass[] = ['vcpus', 'memoryMb', 'diskGb'];

export type Resources = Readonly<Record<ResourceClass, number>>;

export type ClaimResult =
  | { readonly fits: true; readonly usage: Resources }
  | { readonly fits: false; readonly exceeded: readonly ResourceClass[] };

/** What one instance of the flavor takes from a host, counted as Nova's resources_from_flavor does. */
export function requestedResources(flavor: Flavor, bootFromVolume = false): Resources {
  return {
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    // Swap sits on the local disk, so it counts, rounded up to whole GB like the rest of the disk.
    diskGb:
      (bootFromVolume ? 0 : flavor.rootGb) +
      (flavor.ephemeralGb ?? 0) +
      Math.ceil((flavor.swapMb ?? 0) / 1024),
  };
}

/** How much instances may consume in total once overcommit is applied. */
export function capacity(inventory: ResourceInventory): number {
  return (inventory.total - inventory.reserved) * inventory.allocationRatio;
}

export function fits(inventory: ResourceInventory, amount: number): boolean {
  // Asking for none of a resource is not asking at all: a volume-backed server may land on a host
  // whose local disk is full.
  if (amount <= 0) return true;
  // Overcommit shares the host between instances; one instance larger than the host itself
  // would be overcommitted against itself (Placement's max_unit).
  if (amount > inventory.total) return false;
  return inventory.used + amount <= capacity(inventory);
}

/**
 * Checks that one instance of the flavor fits on the host and, if it does, gives the usage the host
 * would have afterwards, for the caller to store atomically (compare-and-set) so that concurrent
 * schedulers cannot overcommit the host.
 */
export function claim(host: HostState, flavor: Flavor, bootFromVolume = false): ClaimResult {
  const requested = requestedResources(flavor, bootFromVolume);
  const exceeded = RESOURCE_CLASSES.filter((rc) => !fits(host[rc], requested[rc]));
  if (exceeded.length > 0) return { fits: false, exceeded };
  return {
    fits: true,
    usage: {
      vcpus: host.vcpus.used + requested.vcpus,
      memoryMb: host.memoryMb.used + requested.memoryMb,
      diskGb: host.diskGb.used + requested.diskGb,
    },
  };
}

export function canFit(host: HostState, flavor: Flavor, bootFromVolume = false): boolean {
  return claim(host, flavor, bootFromVolume).fits;
}

/**
 * The host as it will be once the instance is on it (Nova's consume_from_request), so that the
 * next instance of a multi-create is filtered and weighed against what is really left. Returns a
 * new object: the caller's view changes only when the claim is stored.
 */
export function consumeFromRequest(host: HostState, spec: RequestSpec, instanceId: string): HostState {
  const requested = requestedResources(spec.flavor, spec.bootFromVolume);
  return {
    ...host,
    vcpus: { ...host.vcpus, used: host.vcpus.used + requested.vcpus },
    memoryMb: { ...host.memoryMb, used: host.memoryMb.used + requested.memoryMb },
    diskGb: { ...host.diskGb, used: host.diskGb.used + requested.diskGb },
    // Every placement starts a build on the host, which is the I/O that IoOpsWeigher steers away from.
    numIoOps: host.numIoOps + 1,
    instances: [...host.instances, { id: instanceId, serverGroupId: spec.serverGroup?.id }],
  };
}
