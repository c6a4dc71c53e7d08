import { AuthContext, conflict } from '@stratus/platform';
import type { InstanceEntity } from './instance.entity';

/** Nova's check_instance_lock: a locked server refuses changes from anyone but an admin. */
export function requireUnlocked(instance: InstanceEntity, auth: AuthContext): void {
  if (instance.locked && !auth.isAdmin) {
    throw conflict(`Instance ${instance.uuid} is locked`, 'InstanceIsLocked');
  }
}
