import { event } from '../common/rpc';

/** The JetStream stream carrying instance state changes from agents to compute-api. */
export const COMPUTE_INSTANCE_STREAM = 'COMPUTE_INSTANCE_EVENTS';

export interface InstanceFault {
  code: number;
  message: string;
  details?: string;
}

/** Nova's vm_state, task_state and power_state of an instance, as its host sees it now. */
export interface InstanceUpdatedEvent {
  uuid: string;
  host: string;
  nodename: string;
  vmState: 'building' | 'active' | 'stopped' | 'paused' | 'suspended' | 'error' | 'deleted';
  taskState: string | null;
  powerState: number;
  fault?: InstanceFault;
  /** The build failed on this host and may be retried elsewhere. */
  rescheduleable?: boolean;
  at: string;
}

export const InstanceUpdated = event<InstanceUpdatedEvent>('evt.compute.instance.updated');
