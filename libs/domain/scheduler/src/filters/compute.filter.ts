import type { HostState } from '../host-state';
import type { HostFilter } from './host-filter';

/** Passes hosts whose compute service is enabled and has reported within the service down time. */
export class ComputeFilter implements HostFilter {
  readonly name = 'ComputeFilter';

  constructor(
    private readonly serviceDownTimeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  hostPasses(host: HostState): boolean {
    if (host.serviceDisabled || host.lastHeartbeatAt === null) return false;
    // A heartbeat stamped in the future is clock skew between agent and scheduler, not a dead
    // service; Nova compares the absolute difference for the same reason.
    return Math.abs(this.now() - host.lastHeartbeatAt) <= this.serviceDownTimeSeconds * 1000;
  }
}
