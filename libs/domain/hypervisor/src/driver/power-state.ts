/**
 * An instance's power state as the hypervisor sees it, with Nova's numbers (nova/compute/power_state.py),
 * which the compute API shows as OS-EXT-STS:power_state.
 */
export const PowerState = {
  NoState: 0,
  Running: 1,
  Paused: 3,
  Shutdown: 4,
  Crashed: 6,
  Suspended: 7,
} as const;

export type PowerState = (typeof PowerState)[keyof typeof PowerState];

const NAMES: Record<PowerState, string> = {
  [PowerState.NoState]: 'NOSTATE',
  [PowerState.Running]: 'RUNNING',
  [PowerState.Paused]: 'PAUSED',
  [PowerState.Shutdown]: 'SHUTDOWN',
  [PowerState.Crashed]: 'CRASHED',
  [PowerState.Suspended]: 'SUSPENDED',
};

export const powerStateName = (state: PowerState): string => NAMES[state];
