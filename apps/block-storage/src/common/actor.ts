import type { VolumeCallerContext } from '@stratus/contracts';
import { cinderErrors } from './cinder-errors';

/**
 * Who acts: a caller of the API or, over NATS, compute on behalf of a user. Services take an Actor
 * so both paths share the same ownership and policy rules.
 */
export interface Actor {
  projectId: string | null;
  userId: string | null;
  isAdmin: boolean;
  roles: readonly string[];
}

export function actorFromContext(context: VolumeCallerContext): Actor {
  const roles = Array.isArray(context?.roles) ? context.roles.filter((r) => typeof r === 'string') : [];
  return {
    projectId: typeof context?.projectId === 'string' ? context.projectId : null,
    userId: typeof context?.userId === 'string' ? context.userId : null,
    isAdmin: roles.includes('admin'),
    roles,
  };
}

function isMember(actor: Actor): boolean {
  return actor.isAdmin || actor.roles.includes('member');
}

function isReader(actor: Actor): boolean {
  return isMember(actor) || actor.roles.includes('reader');
}

/**
 * Cinder's default (secure RBAC) policies: readers of a project may look, members may change,
 * admins may do anything (and the admin-only actions). `action` names the policy in the refusal.
 */
export const cinderPolicy = {
  reader(actor: Actor, action: string): void {
    if (!isReader(actor)) throw cinderErrors.policy(action);
  },
  member(actor: Actor, action: string): void {
    if (!isMember(actor)) throw cinderErrors.policy(action);
  },
  admin(actor: Actor, action: string): void {
    if (!actor.isAdmin) throw cinderErrors.policy(action);
  },
  /** A project-scoped caller, for creating things that belong to its project. */
  project(actor: Actor, action: string): string {
    if (!actor.projectId) throw cinderErrors.policy(action);
    return actor.projectId;
  },
  owns(actor: Actor, projectId: string): boolean {
    return actor.isAdmin || (actor.projectId !== null && actor.projectId === projectId);
  },
};
