import { hostState, inventory } from '../test/host-state.factory';
import { RamWeigher } from './ram.weigher';

describe('RamWeigher', () => {
  const weigher = new RamWeigher(1.0);

  it('weighs by free physical memory, after reserved and used', () => {
    expect(weigher.weigh(hostState({ memoryMb: inventory(32768, 8192, 4096) }))).toBe(20480);
  });

  it('does not count overcommit as free memory', () => {
    expect(weigher.weigh(hostState({ memoryMb: inventory(4096, 6144, 0, 2) }))).toBe(-2048);
  });

  it('uses the configured multiplier', () => {
    expect(new RamWeigher(-2).multiplier(hostState())).toBe(-2);
  });

  it('lets an aggregate override the multiplier', () => {
    const host = hostState({ aggregates: [{ name: 'stack', metadata: { ram_weight_multiplier: '-1.0' } }] });
    expect(weigher.multiplier(host)).toBe(-1);
  });
});
