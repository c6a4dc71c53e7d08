import { forbidden } from '../errors/domain-error';
import type { AuthContext } from './auth-context';

/** Policy checks shared by every API, following the OpenStack default policies. */
export const policy = {
  requireAdmin(auth: AuthContext): void {
    if (!auth.isAdmin) throw forbidden();
  },

  /** A project-scoped caller may act on its own project's resources; admins on any. */
  canAccessProject(auth: AuthContext, projectId: string | null | undefined): boolean {
    return auth.isAdmin || (projectId !== null && projectId !== undefined && auth.projectId === projectId);
  },

  requireProjectScope(auth: AuthContext): string {
    if (!auth.projectId) throw forbidden('A project-scoped token is required.');
    return auth.projectId;
  },

  requireMember(auth: AuthContext): void {
    if (!auth.isMember) throw forbidden();
  },

  requireReader(auth: AuthContext): void {
    if (!auth.isReader) throw forbidden();
  },
};
