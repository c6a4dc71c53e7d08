import type { HostState, RequestSpec } from '../host-state';

/** One predicate over a host; the scheduler keeps the hosts for which every enabled filter passes. */
export interface HostFilter {
  readonly name: string;
  hostPasses(host: HostState, spec: RequestSpec): boolean;
}
