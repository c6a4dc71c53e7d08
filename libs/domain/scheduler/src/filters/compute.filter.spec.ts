import { hostState, NOW } from '../test/host-state.factory';
import { ComputeFilter } from './compute.filter';

describe('ComputeFilter', () => {
  const filter = new ComputeFilter(60, () => NOW);

  it('passes an enabled host that reported within the service down time', () => {
    expect(filter.hostPasses(hostState({ lastHeartbeatAt: NOW - 60_000 }))).toBe(true);
  });

  it('rejects a disabled host even when it reports', () => {
    expect(filter.hostPasses(hostState({ serviceDisabled: true, lastHeartbeatAt: NOW }))).toBe(false);
  });

  it('rejects a host silent for longer than the service down time', () => {
    expect(filter.hostPasses(hostState({ lastHeartbeatAt: NOW - 60_001 }))).toBe(false);
  });

  it('rejects a host that has never reported', () => {
    expect(filter.hostPasses(hostState({ lastHeartbeatAt: null }))).toBe(false);
  });

  it('takes a heartbeat slightly in the future for clock skew, not for a dead host', () => {
    expect(filter.hostPasses(hostState({ lastHeartbeatAt: NOW + 5_000 }))).toBe(true);
  });

  it('follows the configured service down time', () => {
    const strict = new ComputeFilter(10, () => NOW);
    expect(strict.hostPasses(hostState({ lastHeartbeatAt: NOW - 11_000 }))).toBe(false);
    expect(strict.hostPasses(hostState({ lastHeartbeatAt: NOW - 9_000 }))).toBe(true);
  });

  it('reads the clock at each check, so a host goes down as time passes', () => {
    let now = NOW;
    const live = new ComputeFilter(60, () => now);
    const host = hostState({ lastHeartbeatAt: NOW });
    expect(live.hostPasses(host)).toBe(true);
    now += 61_000;
    expect(live.hostPasses(host)).toBe(false);
  });
});
