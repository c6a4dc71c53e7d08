import { hostState } from '../test/host-state.factory';
import { NumInstancesWeigher } from './num-instances.weigher';

describe('NumInstancesWeigher', () => {
  it('weighs by the number of instances on the host', () => {
    const weigher = new NumInstancesWeigher(0);
    expect(weigher.weigh(hostState())).toBe(0);
    expect(weigher.weigh(hostState({ instances: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }))).toBe(3);
  });

  it('takes its multiplier from config unless an aggregate sets num_instances_weight_multiplier', () => {
    expect(new NumInstancesWeigher(0).multiplier(hostState())).toBe(0);
    const host = hostState({
      aggregates: [{ name: 'a', metadata: { num_instances_weight_multiplier: '-1' } }],
    });
    expect(new NumInstancesWeigher(0).multiplier(host)).toBe(-1);
  });
});
