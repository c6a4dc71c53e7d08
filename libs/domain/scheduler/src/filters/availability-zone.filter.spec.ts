import { hostState, requestSpec } from '../test/host-state.factory';
import { AvailabilityZoneFilter } from './availability-zone.filter';

describe('AvailabilityZoneFilter', () => {
  const filter = new AvailabilityZoneFilter();

  it('passes a host in the requested zone', () => {
    expect(
      filter.hostPasses(hostState({ availabilityZone: 'az-1' }), requestSpec({ availabilityZone: 'az-1' })),
    ).toBe(true);
  });

  it('rejects a host in another zone', () => {
    expect(
      filter.hostPasses(hostState({ availabilityZone: 'az-2' }), requestSpec({ availabilityZone: 'az-1' })),
    ).toBe(false);
  });

  it('passes every host when no zone is requested', () => {
    expect(filter.hostPasses(hostState({ availabilityZone: 'az-2' }), requestSpec())).toBe(true);
  });
});
