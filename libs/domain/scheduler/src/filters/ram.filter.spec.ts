import { hostState, inventory, requestSpec } from '../test/host-state.factory';
import { RamFilter } from './ram.filter';

const withRam = (memoryMb: number) =>
  requestSpec({ flavor: { vcpus: 1, memoryMb, rootGb: 0, extraSpecs: {} } });

describe('RamFilter', () => {
  const filter = new RamFilter();

  it('passes a host with enough free memory', () => {
    expect(filter.hostPasses(hostState({ memoryMb: inventory(4096, 2048) }), withRam(2048))).toBe(true);
  });

  it('rejects a host without enough free memory', () => {
    expect(filter.hostPasses(hostState({ memoryMb: inventory(4096, 2049) }), withRam(2048))).toBe(false);
  });

  it('keeps reserved memory away from instances', () => {
    const host = hostState({ memoryMb: inventory(4096, 1024, 1024) });
    expect(filter.hostPasses(host, withRam(2048))).toBe(true);
    expect(filter.hostPasses(host, withRam(2049))).toBe(false);
  });

  it('overcommits by ram_allocation_ratio on what is left after the reservation', () => {
    // (4096 - 1024) * 1.5 = 4608 may be used by instances.
    const host = hostState({ memoryMb: inventory(4096, 3584, 1024, 1.5) });
    expect(filter.hostPasses(host, withRam(1024))).toBe(true);
    expect(filter.hostPasses(host, withRam(1025))).toBe(false);
  });

  it('never places an instance larger than the host, whatever the ratio', () => {
    const host = hostState({ memoryMb: inventory(4096, 0, 0, 16) });
    expect(filter.hostPasses(host, withRam(4097))).toBe(false);
  });
});
