import { hostState, inventory, requestSpec } from '../test/host-state.factory';
import { VCpuFilter } from './vcpu.filter';

const withVcpus = (vcpus: number) =>
  requestSpec({ flavor: { vcpus, memoryMb: 512, rootGb: 0, extraSpecs: {} } });

describe('VCpuFilter', () => {
  const filter = new VCpuFilter();

  it('passes a host with enough free vCPUs', () => {
    expect(filter.hostPasses(hostState({ vcpus: inventory(8, 6) }), withVcpus(2))).toBe(true);
  });

  it('rejects a host without enough free vCPUs', () => {
    expect(filter.hostPasses(hostState({ vcpus: inventory(8, 7) }), withVcpus(2))).toBe(false);
  });

  it('overcommits by cpu_allocation_ratio after taking out reserved CPUs', () => {
    // (8 - 2) * 4 = 24 vCPUs for instances.
    const host = hostState({ vcpus: inventory(8, 20, 2, 4) });
    expect(filter.hostPasses(host, withVcpus(4))).toBe(true);
    expect(filter.hostPasses(host, withVcpus(5))).toBe(false);
  });

  it('rejects a flavor with more vCPUs than the host has, even with room to overcommit', () => {
    expect(filter.hostPasses(hostState({ vcpus: inventory(8, 0, 0, 16) }), withVcpus(9))).toBe(false);
  });

  it('rejects every request on a host already over its capacity', () => {
    // The ratio was lowered after instances were placed.
    expect(filter.hostPasses(hostState({ vcpus: inventory(8, 12, 0, 1) }), withVcpus(1))).toBe(false);
  });
});
