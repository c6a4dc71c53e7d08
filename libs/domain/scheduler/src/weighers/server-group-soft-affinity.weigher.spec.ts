import type { ServerGroup } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { ServerGroupSoftAffinityWeigher } from './server-group-soft-affinity.weigher';

const group = (policy: ServerGroup['policy']): ServerGroup => ({
  id: 'group-1',
  policy,
  members: ['vm-a', 'vm-b'],
  hosts: ['compute-1'],
});

describe('ServerGroupSoftAffinityWeigher', () => {
  const weigher = new ServerGroupSoftAffinityWeigher(1.0);
  const host = hostState({
    instances: [{ id: 'vm-a' }, { id: 'vm-b' }, { id: 'vm-c', serverGroupId: 'group-1' }, { id: 'vm-d' }],
  });

  it('weighs by the members of a soft-affinity group on the host', () => {
    expect(weigher.weigh(host, requestSpec({ serverGroup: group('soft-affinity') }))).toBe(3);
  });

  it('is neutral for other policies and without a group', () => {
    expect(weigher.weigh(host, requestSpec({ serverGroup: group('affinity') }))).toBe(0);
    expect(weigher.weigh(host, requestSpec({ serverGroup: group('soft-anti-affinity') }))).toBe(0);
    expect(weigher.weigh(host, requestSpec())).toBe(0);
  });

  it('takes its multiplier from config unless an aggregate sets soft_affinity_weight_multiplier', () => {
    expect(weigher.multiplier(hostState())).toBe(1);
    const inAggregate = hostState({
      aggregates: [{ name: 'a', metadata: { soft_affinity_weight_multiplier: '5' } }],
    });
    expect(weigher.multiplier(inAggregate)).toBe(5);
  });
});
