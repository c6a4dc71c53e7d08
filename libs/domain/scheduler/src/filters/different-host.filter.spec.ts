import { hostState, requestSpec } from '../test/host-state.factory';
import { DifferentHostFilter } from './different-host.filter';

describe('DifferentHostFilter', () => {
  const filter = new DifferentHostFilter();
  const host = hostState({ instances: [{ id: 'vm-a' }, { id: 'vm-b' }] });

  it('rejects a host running one of the named instances', () => {
    expect(
      filter.hostPasses(host, requestSpec({ schedulerHints: { differentHost: ['vm-x', 'vm-b'] } })),
    ).toBe(false);
  });

  it('passes a host running none of them', () => {
    expect(filter.hostPasses(host, requestSpec({ schedulerHints: { differentHost: ['vm-x'] } }))).toBe(true);
  });

  it('passes every host without the hint', () => {
    expect(filter.hostPasses(host, requestSpec())).toBe(true);
    expect(filter.hostPasses(host, requestSpec({ schedulerHints: { differentHost: [] } }))).toBe(true);
  });
});
