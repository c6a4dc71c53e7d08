/**
 * JetStream key-value buckets shared by compute agents, the scheduler and compute-api. Keys are
 * host names. Agents own HOST_STATE; the scheduler owns ALLOCATIONS (compare-and-set writes, so two
 * scheduler replicas never overcommit a host); compute-api owns HOST_SERVICE (os-services).
 */
export const COMPUTE_HOST_STATE_BUCKET = 'COMPUTE_HOST_STATE';
export const COMPUTE_ALLOCATIONS_BUCKET = 'COMPUTE_ALLOCATIONS';
export const COMPUTE_HOST_SERVICE_BUCKET = 'COMPUTE_HOST_SERVICE';

/** What an agent reports about its host on every heartbeat. */
export interface HostStateReport {
  host: string;
  nodename: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  /** Kept back for the host itself (Nova's reserved_host_*). */
  reservedMemoryMb: number;
  reservedDiskGb: number;
  reservedVcpus: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  hypervisorType: string;
  hypervisorVersion: number;
  cpuArch: string;
  availabilityZone: string;
  /** Instances the hypervisor has, by uuid. */
  instanceUuids: string[];
  runningVms: number;
  /** ISO time of this report; a host silent for longer than service_down_time is down. */
  heartbeatAt: string;
  agentStartedAt: string;
}

/** One instance's claim on a host. */
export interface Allocation {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  serverGroupId?: string;
  projectId?: string;
  claimedAt: string;
}

/** The value under a host's key in the allocations bucket. */
export interface HostAllocations {
  allocations: Record<string, Allocation>;
  /** Failed builds recently on this host, for the build-failure weigher. */
  failedBuilds: number;
}

/** Administrative state of a compute service, set through os-services. */
export interface HostServiceState {
  disabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  updatedAt: string;
}
