import { hostState, inventory } from '../test/host-state.factory';
import { DiskWeigher } from './disk.weigher';

describe('DiskWeigher', () => {
  const weigher = new DiskWeigher(1.0);

  it('weighs by free physical disk, after reserved and used', () => {
    expect(weigher.weigh(hostState({ diskGb: inventory(500, 120, 30) }))).toBe(350);
  });

  it('does not count overcommit as free disk', () => {
    expect(weigher.weigh(hostState({ diskGb: inventory(100, 150, 0, 2) }))).toBe(-50);
  });

  it('takes its multiplier from config unless an aggregate sets disk_weight_multiplier', () => {
    expect(weigher.multiplier(hostState())).toBe(1);
    const host = hostState({ aggregates: [{ name: 'a', metadata: { disk_weight_multiplier: '-3' } }] });
    expect(weigher.multiplier(host)).toBe(-3);
  });
});
