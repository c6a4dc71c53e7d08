import type { ServerGroup } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { ServerGroupAffinityFilter } from './server-group-affinity.filter';

const group = (policy: ServerGroup['policy'], hosts: string[]): ServerGroup => ({
  id: 'group-1',
  policy,
  members: ['vm-a'],
  hosts,
});

describe('ServerGroupAffinityFilter', () => {
  const filter = new ServerGroupAffinityFilter();

  it('passes only the hosts the group is on', () => {
    const spec = requestSpec({ serverGroup: group('affinity', ['compute-1']) });
    expect(filter.hostPasses(hostState({ host: 'compute-1' }), spec)).toBe(true);
    expect(filter.hostPasses(hostState({ host: 'compute-2' }), spec)).toBe(false);
  });

  it('lets the first member of a group go anywhere', () => {
    const spec = requestSpec({ serverGroup: group('affinity', []) });
    expect(filter.hostPasses(hostState({ host: 'compute-2' }), spec)).toBe(true);
  });

  it('ignores groups with other policies and requests without a group', () => {
    const elsewhere = hostState({ host: 'compute-2' });
    expect(
      filter.hostPasses(elsewhere, requestSpec({ serverGroup: group('soft-affinity', ['compute-1']) })),
    ).toBe(true);
    expect(
      filter.hostPasses(elsewhere, requestSpec({ serverGroup: group('anti-affinity', ['compute-1']) })),
    ).toBe(true);
    expect(filter.hostPasses(elsewhere, requestSpec())).toBe(true);
  });
});
