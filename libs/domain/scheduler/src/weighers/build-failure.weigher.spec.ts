import { hostState } from '../test/host-state.factory';
import { BuildFailureWeigher } from './build-failure.weigher';

describe('BuildFailureWeigher', () => {
  const weigher = new BuildFailureWeigher(1_000_000);

  it('weighs by recent failed builds', () => {
    expect(weigher.weigh(hostState({ failedBuilds: 3 }))).toBe(3);
  });

  it('negates the configured multiplier so that failures count against a host', () => {
    expect(weigher.multiplier(hostState())).toBe(-1_000_000);
    expect(weigher.multiplier(hostState()) * weigher.weigh(hostState({ failedBuilds: 1 }))).toBeLessThan(0);
  });

  it('negates an aggregate override too', () => {
    const host = hostState({
      aggregates: [{ name: 'a', metadata: { build_failure_weight_multiplier: '10' } }],
    });
    expect(weigher.multiplier(host)).toBe(-10);
  });
});
