import { AuthContext, policy } from '@stratus/platform';

/**
 * Who acts on a resource: a caller of the API, or another service over NATS, which acts for the
 * cloud and sees everything. Services take an Actor so both paths share the same rules.
 */
export interface Actor {
  readonly projectId: string | undefined;
  readonly isAdmin: boolean;
}

export const SERVICE_ACTOR: Actor = { projectId: undefined, isAdmin: true };

/** Reads need the reader role; writes the member role (Neutron's secure-RBAC defaults). */
export function readerOf(auth: AuthContext): Actor {
  policy.requireReader(auth);
  return { projectId: auth.projectId, isAdmin: auth.isAdmin };
}

export function memberOf(auth: AuthContext): Actor {
  policy.requireMember(auth);
  return { projectId: auth.projectId, isAdmin: auth.isAdmin };
}

export function owns(actor: Actor, projectId: string): boolean {
  return actor.isAdmin || (actor.projectId !== undefined && actor.projectId === projectId);
}
