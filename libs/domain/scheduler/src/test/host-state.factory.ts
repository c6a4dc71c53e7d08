import type { HostState, RequestSpec, ResourceInventory } from '../host-state';

export const NOW = Date.parse('2025-01-01T12:00:00Z');

export function inventory(total: number, used = 0, reserved = 0, allocationRatio = 1): ResourceInventory {
  return { total, used, reserved, allocationRatio };
}

/** An enabled, healthy, empty x86_64 KVM host with 16 vCPUs, 32 GiB of memory and 500 GB of disk. */
export function hostState(overrides: Partial<HostState> = {}): HostState {
  const host = overrides.host ?? 'compute-1';
  return {
    host,
    nodename: host,
    vcpus: inventory(16),
    memoryMb: inventory(32768),
    diskGb: inventory(500),
    numIoOps: 0,
    hypervisorType: 'QEMU',
    hypervisorVersion: '8.2.0',
    cpuArch: 'x86_64',
    availabilityZone: 'nova',
    aggregates: [],
    serviceDisabled: false,
    lastHeartbeatAt: NOW,
    failedBuilds: 0,
    instances: [],
    ...overrides,
  };
}

/** One m1.small-sized instance with no image requirements, hints or group. */
export function requestSpec(overrides: Partial<RequestSpec> = {}): RequestSpec {
  return {
    instanceUuids: ['instance-1'],
    flavor: { vcpus: 1, memoryMb: 2048, rootGb: 20, extraSpecs: {} },
    image: {},
    ...overrides,
  };
}
