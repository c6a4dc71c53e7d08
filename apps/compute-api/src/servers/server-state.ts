/** Nova's power_state values. */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;

export const VmState = {
  ACTIVE: 'active',
  BUILDING: 'building',
  PAUSED: 'paused',
  SUSPENDED: 'suspended',
  STOPPED: 'stopped',
  RESCUED: 'rescued',
  RESIZED: 'resized',
  SOFT_DELETED: 'soft-delete',
  DELETED: 'deleted',
  ERROR: 'error',
  SHELVED: 'shelved',
  SHELVED_OFFLOADED: 'shelved_offloaded',
} as const;

export const TaskState = {
  SCHEDULING: 'scheduling',
  NETWORKING: 'networking',
  BLOCK_DEVICE_MAPPING: 'block_device_mapping',
  SPAWNING: 'spawning',
  REBOOTING: 'rebooting',
  REBOOTING_HARD: 'rebooting_hard',
  REBUILDING: 'rebuilding',
  RESIZE_PREP: 'resize_prep',
  RESIZE_MIGRATING: 'resize_migrating',
  RESIZE_REVERTING: 'resize_reverting',
  RESIZE_CONFIRMING: 'resize_confirming',
  POWERING_OFF: 'powering-off',
  POWERING_ON: 'powering-on',
  PAUSING: 'pausing',
  UNPAUSING: 'unpausing',
  SUSPENDING: 'suspending',
  RESUMING: 'resuming',
  IMAGE_SNAPSHOT: 'image_snapshot',
  IMAGE_UPLOADING: 'image_uploading',
  DELETING: 'deleting',
} as const;

/** Nova's _STATE_MAP: a server's status from its vm_state and task_state. */
const STATE_MAP: Record<string, Record<string, string>> = {
  active: {
    default: 'ACTIVE',
    rebooting: 'REBOOT',
    reboot_pending: 'REBOOT',
    reboot_started: 'REBOOT',
    rebooting_hard: 'HARD_REBOOT',
    reboot_pending_hard: 'HARD_REBOOT',
    reboot_started_hard: 'HARD_REBOOT',
    updating_password: 'PASSWORD',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
    migrating: 'MIGRATING',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
  },
  building: { default: 'BUILD' },
  stopped: {
    default: 'SHUTOFF',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
  paused: { default: 'PAUSED', migrating: 'MIGRATING' },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: {
    default: 'ERROR',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
  deleted: { default: 'DELETED' },
  'soft-delete': { default: 'SOFT_DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
};

export function serverStatus(vmState: string, taskState: string | null): string {
  const map = STATE_MAP[vmState];
  if (!map) return 'UNKNOWN';
  return (taskState !== null && map[taskState]) || map.default;
}

/** Every status a client may filter on (2.38 rejects the rest). */
export const KNOWN_STATUSES = new Set(Object.values(STATE_MAP).flatMap((m) => Object.values(m)));

/**
 * Whether a server with these states shows one of the statuses: Nova's
 * task_and_vm_state_from_status, applied to one server.
 */
export function matchesStatus(vmState: string, taskState: string | null, statuses: string[]): boolean {
  const wanted = new Set(statuses.map((s) => s.toUpperCase()));
  return wanted.has(serverStatus(vmState, taskState));
}

/** Nova's progress is shown only while these statuses last. */
export const PROGRESS_STATUSES = new Set([
  'ACTIVE',
  'BUILD',
  'REBUILD',
  'RESIZE',
  'VERIFY_RESIZE',
  'MIGRATING',
]);

/** The vm_state and power_state a power action leaves the server in once its host has done it. */
export const POWER_ACTION_RESULT = {
  'reboot-soft': { vmState: VmState.ACTIVE, powerState: PowerState.RUNNING },
  'reboot-hard': { vmState: VmState.ACTIVE, powerState: PowerState.RUNNING },
  stop: { vmState: VmState.STOPPED, powerState: PowerState.SHUTDOWN },
  start: { vmState: VmState.ACTIVE, powerState: PowerState.RUNNING },
  pause: { vmState: VmState.PAUSED, powerState: PowerState.PAUSED },
  unpause: { vmState: VmState.ACTIVE, powerState: PowerState.RUNNING },
  suspend: { vmState: VmState.SUSPENDED, powerState: PowerState.SUSPENDED },
  resume: { vmState: VmState.ACTIVE, powerState: PowerState.RUNNING },
} as const;
