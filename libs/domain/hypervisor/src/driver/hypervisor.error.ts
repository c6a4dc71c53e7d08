/** Why a driver operation failed, in terms the compute agent acts on (retry, reschedule, report a fault). */
export type HypervisorErrorCode =
  /** No instance with that UUID on this host. */
  | 'INSTANCE_NOT_FOUND'
  /** spawn() for a UUID or name the host already has. */
  | 'INSTANCE_EXISTS'
  /** The operation does not apply in the instance's power state (pause a stopped guest, ...). */
  | 'INVALID_POWER_STATE'
  /** The host lacks the vCPUs, memory or disk the instance asks for: reschedule elsewhere. */
  | 'INSUFFICIENT_RESOURCES'
  /** The hypervisor refused or failed to create or start the instance. */
  | 'SPAWN_FAILED'
  /** detachVolume() for a serial no disk of the instance carries. */
  | 'VOLUME_NOT_ATTACHED'
  /** attachVolume() for a serial the instance already carries. */
  | 'VOLUME_ALREADY_ATTACHED'
  /** attachInterface() for a MAC one of the instance's NICs already has. */
  | 'NIC_ALREADY_ATTACHED'
  /** detachInterface() for a MAC no NIC of the instance has. */
  | 'NIC_NOT_ATTACHED'
  /** The guest did not release the device in time, even after repeated requests. */
  | 'DEVICE_DETACH_FAILED'
  /** The hypervisor itself cannot be reached (libvirtd down, socket missing). */
  | 'HYPERVISOR_UNAVAILABLE'
  /** Any other hypervisor failure; the message carries its own words. */
  | 'HYPERVISOR_ERROR';

export class HypervisorError extends Error {
  constructor(
    readonly code: HypervisorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HypervisorError';
  }
}

export const isHypervisorError = (error: unknown, code?: HypervisorErrorCode): error is HypervisorError =>
  error instanceof HypervisorError && (code === undefined || error.code === code);
