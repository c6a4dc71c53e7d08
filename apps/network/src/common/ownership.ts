import { badRequest, forbidden } from '@stratus/platform';
import type { Actor } from './actor';

export interface ProjectAttributes {
  tenant_id?: string;
  project_id?: string;
}

/** The project a new resource belongs to: the caller's, or any project when an admin names one. */
export function targetProject(actor: Actor, body: ProjectAttributes): string {
  const { tenant_id: tenantId, project_id: projectId } = body;
  if (tenantId !== undefined && projectId !== undefined && tenantId !== projectId) {
    throw badRequest("'project_id' and 'tenant_id' do not match");
  }
  const requested = projectId ?? tenantId;
  if (requested !== undefined) {
    if (requested !== actor.projectId && !actor.isAdmin) {
      throw badRequest(
        "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
      );
    }
    return requested;
  }
  if (!actor.projectId) throw forbidden('A project-scoped token is required.');
  return actor.projectId;
}
