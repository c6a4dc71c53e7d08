import type { InstanceUpdatedEvent } from '@stratus/contracts';
import { PowerState } from '@stratus/hypervisor';

/** Nova's vm_state for an instance the hypervisor reports in `powerState`, when no task is running. */
export function vmStateOf(powerState: PowerState): InstanceUpdatedEvent['vmState'] {
  switch (powerState) {
    case PowerState.Running:
      return 'active';
    case PowerState.Paused:
      return 'paused';
    case PowerState.Suspended:
      return 'suspended';
    case PowerState.Shutdown:
    case PowerState.Crashed:
    case PowerState.NoState:
      return 'stopped';
  }
}
