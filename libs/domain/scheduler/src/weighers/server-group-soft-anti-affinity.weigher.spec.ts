import type { ServerGroup } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { ServerGroupSoftAntiAffinityWeigher } from './server-group-soft-anti-affinity.weigher';

const group = (policy: ServerGroup['policy']): ServerGroup => ({
  id: 'group-1',
  policy,
  members: ['vm-a', 'vm-b'],
  hosts: ['compute-1'],
});

describe('ServerGroupSoftAntiAffinityWeigher', () => {
  const weigher = new ServerGroupSoftAntiAffinityWeigher(1.0);
  const crowded = hostState({ instances: [{ id: 'vm-a' }, { id: 'vm-b' }, { id: 'vm-x' }] });
  const empty = hostState({ host: 'compute-2' });
  const spec = requestSpec({ serverGroup: group('soft-anti-affinity') });

  it('weighs a host lower the more members of the group it holds', () => {
    expect(weigher.weigh(crowded, spec)).toBe(-2);
    expect(weigher.weigh(empty, spec)).toBe(0);
    expect(weigher.weigh(empty, spec)).toBeGreaterThan(weigher.weigh(crowded, spec));
  });

  it('is neutral for other policies and without a group', () => {
    expect(weigher.weigh(crowded, requestSpec({ serverGroup: group('soft-affinity') }))).toBe(0);
    expect(weigher.weigh(crowded, requestSpec({ serverGroup: group('anti-affinity') }))).toBe(0);
    expect(weigher.weigh(crowded, requestSpec())).toBe(0);
  });

  it('keeps a positive multiplier, overridable per aggregate', () => {
    expect(weigher.multiplier(empty)).toBe(1);
    const inAggregate = hostState({
      aggregates: [{ name: 'a', metadata: { soft_anti_affinity_weight_multiplier: '2.5' } }],
    });
    expect(weigher.multiplier(inAggregate)).toBe(2.5);
  });
});
