import type { ServerGroup } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { ServerGroupAntiAffinityFilter } from './server-group-anti-affinity.filter';

const group = (overrides: Partial<ServerGroup> = {}): ServerGroup => ({
  id: 'group-1',
  policy: 'anti-affinity',
  members: ['vm-a', 'vm-b'],
  hosts: ['compute-1'],
  ...overrides,
});

describe('ServerGroupAntiAffinityFilter', () => {
  const filter = new ServerGroupAntiAffinityFilter();

  it('rejects a host that already runs a member of the group', () => {
    const host = hostState({ instances: [{ id: 'vm-a' }] });
    expect(filter.hostPasses(host, requestSpec({ serverGroup: group() }))).toBe(false);
  });

  it('passes a host that runs only instances outside the group', () => {
    const host = hostState({ instances: [{ id: 'vm-z', serverGroupId: 'group-2' }] });
    expect(filter.hostPasses(host, requestSpec({ serverGroup: group() }))).toBe(true);
  });

  it('recognises a member by the group the host recorded for it', () => {
    const host = hostState({ instances: [{ id: 'vm-new', serverGroupId: 'group-1' }] });
    expect(filter.hostPasses(host, requestSpec({ serverGroup: group() }))).toBe(false);
  });

  it('allows up to max_server_per_host members on one host', () => {
    const spec = requestSpec({ serverGroup: group({ maxServerPerHost: 2 }) });
    expect(filter.hostPasses(hostState({ instances: [{ id: 'vm-a' }] }), spec)).toBe(true);
    expect(filter.hostPasses(hostState({ instances: [{ id: 'vm-a' }, { id: 'vm-b' }] }), spec)).toBe(false);
  });

  it('ignores groups with other policies and requests without a group', () => {
    const host = hostState({ instances: [{ id: 'vm-a' }] });
    expect(
      filter.hostPasses(host, requestSpec({ serverGroup: group({ policy: 'soft-anti-affinity' }) })),
    ).toBe(true);
    expect(filter.hostPasses(host, requestSpec({ serverGroup: group({ policy: 'affinity' }) }))).toBe(true);
    expect(filter.hostPasses(host, requestSpec())).toBe(true);
  });
});
