import { hostState, inventory } from '../test/host-state.factory';
import { CpuWeigher } from './cpu.weigher';

describe('CpuWeigher', () => {
  const weigher = new CpuWeigher(1.0);

  it('weighs by vCPUs left under the overcommitted capacity', () => {
    // (16 - 2) * 4 - 20 = 36
    expect(weigher.weigh(hostState({ vcpus: inventory(16, 20, 2, 4) }))).toBe(36);
  });

  it('ranks a host with a higher ratio as roomier', () => {
    const plain = weigher.weigh(hostState({ vcpus: inventory(16, 8, 0, 1) }));
    const overcommitted = weigher.weigh(hostState({ vcpus: inventory(16, 8, 0, 2) }));
    expect(overcommitted).toBeGreaterThan(plain);
  });

  it('takes its multiplier from config unless an aggregate sets cpu_weight_multiplier', () => {
    expect(new CpuWeigher(3).multiplier(hostState())).toBe(3);
    const host = hostState({ aggregates: [{ name: 'a', metadata: { cpu_weight_multiplier: '0.5' } }] });
    expect(new CpuWeigher(3).multiplier(host)).toBe(0.5);
  });
});
