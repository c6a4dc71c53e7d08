import { canFit, claim, consumeFromRequest, requestedResources } from './claim';
import type { Flavor } from './host-state';
import { hostState, inventory, requestSpec } from './test/host-state.factory';

const flavor: Flavor = {
  vcpus: 2,
  memoryMb: 4096,
  rootGb: 40,
  ephemeralGb: 10,
  swapMb: 1024,
  extraSpecs: {},
};

describe('requestedResources', () => {
  it('counts root, ephemeral and swap on the local disk', () => {
    expect(requestedResources(flavor)).toEqual({ vcpus: 2, memoryMb: 4096, diskGb: 51 });
  });

  it('leaves out the root disk of a volume-backed server', () => {
    expect(requestedResources(flavor, true).diskGb).toBe(11);
  });
});

describe('claim', () => {
  it('gives the usage the host will have once the instance is on it', () => {
    const host = hostState({
      vcpus: inventory(16, 4),
      memoryMb: inventory(32768, 8192),
      diskGb: inventory(500, 100),
    });
    expect(claim(host, flavor)).toEqual({ fits: true, usage: { vcpus: 6, memoryMb: 12288, diskGb: 151 } });
  });

  it('names every resource that does not fit', () => {
    const host = hostState({ vcpus: inventory(2, 1), memoryMb: inventory(32768), diskGb: inventory(60, 10) });
    expect(claim(host, flavor)).toEqual({ fits: false, exceeded: ['vcpus', 'diskGb'] });
  });

  it('applies allocation ratios and reservations', () => {
    // (4 - 1) * 2 = 6 vCPUs for instances.
    const host = hostState({ vcpus: inventory(4, 4, 1, 2) });
    expect(canFit(host, flavor)).toBe(true);
    expect(canFit(hostState({ vcpus: inventory(4, 5, 1, 2) }), flavor)).toBe(false);
  });

  it('fits a volume-backed server on a host whose disk is otherwise full', () => {
    const host = hostState({ diskGb: inventory(100, 89) });
    expect(canFit(host, flavor)).toBe(false);
    expect(canFit(host, flavor, true)).toBe(true);
  });

  it('fits a request for nothing of a resource even on an overfull host', () => {
    const host = hostState({ diskGb: inventory(100, 150) });
    expect(canFit(host, { vcpus: 1, memoryMb: 512, rootGb: 0, extraSpecs: {} })).toBe(true);
  });
});

describe('consumeFromRequest', () => {
  it('returns the host with the instance on it and leaves the original alone', () => {
    const host = hostState({ vcpus: inventory(16, 4), numIoOps: 1, instances: [{ id: 'vm-old' }] });
    const spec = requestSpec({
      flavor,
      serverGroup: { id: 'group-1', policy: 'anti-affinity', members: [], hosts: [] },
    });
    const after = consumeFromRequest(host, spec, 'vm-new');
    expect(after.vcpus.used).toBe(6);
    expect(after.memoryMb.used).toBe(4096);
    expect(after.diskGb.used).toBe(51);
    expect(after.numIoOps).toBe(2);
    expect(after.instances).toEqual([{ id: 'vm-old' }, { id: 'vm-new', serverGroupId: 'group-1' }]);
    expect(host.vcpus.used).toBe(4);
    expect(host.instances).toHaveLength(1);
  });
});
