import { hostState } from '../test/host-state.factory';
import { IoOpsWeigher } from './io-ops.weigher';

describe('IoOpsWeigher', () => {
  it('weighs by operations in progress', () => {
    expect(new IoOpsWeigher(-1).weigh(hostState({ numIoOps: 4 }))).toBe(4);
  });

  it('takes its multiplier from config unless an aggregate sets io_ops_weight_multiplier', () => {
    expect(new IoOpsWeigher(-1).multiplier(hostState())).toBe(-1);
    const host = hostState({ aggregates: [{ name: 'a', metadata: { io_ops_weight_multiplier: '2' } }] });
    expect(new IoOpsWeigher(-1).multiplier(host)).toBe(2);
  });
});
