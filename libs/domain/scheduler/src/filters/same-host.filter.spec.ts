import { hostState, requestSpec } from '../test/host-state.factory';
import { SameHostFilter } from './same-host.filter';

describe('SameHostFilter', () => {
  const filter = new SameHostFilter();
  const host = hostState({ instances: [{ id: 'vm-a' }, { id: 'vm-b' }] });

  it('passes a host running one of the named instances', () => {
    expect(filter.hostPasses(host, requestSpec({ schedulerHints: { sameHost: ['vm-x', 'vm-b'] } }))).toBe(
      true,
    );
  });

  it('rejects a host running none of them', () => {
    expect(filter.hostPasses(host, requestSpec({ schedulerHints: { sameHost: ['vm-x'] } }))).toBe(false);
    expect(filter.hostPasses(hostState(), requestSpec({ schedulerHints: { sameHost: ['vm-a'] } }))).toBe(
      false,
    );
  });

  it('passes every host without the hint', () => {
    expect(filter.hostPasses(hostState(), requestSpec())).toBe(true);
    expect(filter.hostPasses(hostState(), requestSpec({ schedulerHints: { sameHost: [] } }))).toBe(true);
  });
});
