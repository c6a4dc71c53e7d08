import type { Flavor } from '../host-state';
import { hostState, inventory, requestSpec } from '../test/host-state.factory';
import { DiskFilter } from './disk.filter';

const flavor = (disk: Partial<Flavor>): Flavor => ({
  vcpus: 1,
  memoryMb: 512,
  rootGb: 0,
  extraSpecs: {},
  ...disk,
});

describe('DiskFilter', () => {
  const filter = new DiskFilter();

  it('passes a host with room for the root disk', () => {
    expect(
      filter.hostPasses(
        hostState({ diskGb: inventory(100, 80) }),
        requestSpec({ flavor: flavor({ rootGb: 20 }) }),
      ),
    ).toBe(true);
  });

  it('counts ephemeral disk and swap, swap rounded up to whole GB', () => {
    const host = hostState({ diskGb: inventory(100, 70) });
    // 20 + 9 + ceil(513 / 1024) = 30
    expect(
      filter.hostPasses(host, requestSpec({ flavor: flavor({ rootGb: 20, ephemeralGb: 9, swapMb: 513 }) })),
    ).toBe(true);
    // 20 + 9 + ceil(1025 / 1024) = 31
    expect(
      filter.hostPasses(host, requestSpec({ flavor: flavor({ rootGb: 20, ephemeralGb: 9, swapMb: 1025 }) })),
    ).toBe(false);
  });

  it('does not count the root disk of a volume-backed server', () => {
    const full = hostState({ diskGb: inventory(100, 100) });
    expect(
      filter.hostPasses(full, requestSpec({ flavor: flavor({ rootGb: 20 }), bootFromVolume: true })),
    ).toBe(true);
    expect(filter.hostPasses(full, requestSpec({ flavor: flavor({ rootGb: 20 }) }))).toBe(false);
  });

  it('applies reserved disk and disk_allocation_ratio', () => {
    // (100 - 10) * 2 = 180 GB for instances.
    const host = hostState({ diskGb: inventory(100, 160, 10, 2) });
    expect(filter.hostPasses(host, requestSpec({ flavor: flavor({ rootGb: 20 }) }))).toBe(true);
    expect(filter.hostPasses(host, requestSpec({ flavor: flavor({ rootGb: 21 }) }))).toBe(false);
  });
});
