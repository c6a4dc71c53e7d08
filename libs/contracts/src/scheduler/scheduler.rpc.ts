import { rpc } from '../common/rpc';

/** A flavor's resources as the scheduler claims them. */
export interface FlavorResources {
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swapMb: number;
  extraSpecs: Record<string, string>;
}

export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

/** What to place, Nova's RequestSpec reduced to what the filters and weighers read. */
export interface SchedulingRequest {
  projectId: string;
  /** One entry per instance of a multi-create; all are placed or none. */
  instanceUuids: string[];
  flavor: FlavorResources;
  /** Image properties (architecture, hypervisor_type, hw_* ...). */
  imageProperties: Record<string, string>;
  bootFromVolume?: boolean;
  availabilityZone?: string;
  /** Forces the host (Nova's `zone:host` availability zone form, admin only). */
  forceHost?: string;
  sameHost?: string[];
  differentHost?: string[];
  serverGroup?: { id: string; policy: ServerGroupPolicy; members: string[]; maxServerPerHost?: number };
  /** Hosts already tried for this build (a reschedule). */
  ignoreHosts?: string[];
}

export interface HostChoice {
  host: string;
  nodename: string;
}

export interface Selection extends HostChoice {
  instanceUuid: string;
  /** Hosts to retry on, in order, if the build fails on the chosen one; not yet claimed. */
  alternates: HostChoice[];
}

/** Filters, weighs and claims: the chosen hosts' resources are held for the instances when this answers. */
export const SelectDestinations = rpc<SchedulingRequest, { selections: Selection[] }>(
  'scheduler.destinations.select',
);

/** Claims the flavor on one named host (a reschedule to an alternate); NoValidHost if it no longer fits. */
export const ClaimOnHost = rpc<
  { instanceUuid: string; host: string; flavor: FlavorResources; serverGroupId?: string },
  HostChoice
>('scheduler.allocation.claim');

/**
 * Gives an instance's resources back to its host: after a failed build or a delete. Idempotent.
 * `buildFailed` counts against the host for the build-failure weigher.
 */
export const ReleaseAllocation = rpc<
  { instanceUuid: string; host?: string; buildFailed?: boolean },
  { released: boolean }
>('scheduler.allocation.release');
