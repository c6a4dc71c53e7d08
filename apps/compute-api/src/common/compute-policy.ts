import { AuthContext, forbidden } from '@stratus/platform';

/** Nova's policy refusal names the rule. */
function refuse(rule: string): never {
  throw forbidden(`Policy doesn't allow ${rule} to be performed.`);
}

export const computePolicy = {
  admin(auth: AuthContext, rule: string): void {
    if (!auth.isAdmin) refuse(rule);
  },

  /** Changing a project's resources takes the member role (admin implies it). */
  member(auth: AuthContext, rule: string): string {
    if (!auth.projectId || !auth.isMember) refuse(rule);
    return auth.projectId;
  },

  /** Reading them takes the reader role at least. */
  reader(auth: AuthContext, rule: string): string {
    if (!auth.projectId || !auth.isReader) refuse(rule);
    return auth.projectId;
  },
};
