import type { TokenValidator } from '@stratus/platform';

/** Who a valid token says is calling: the user, the project it is scoped to, and its roles (lower case). */
export interface SwiftIdentity {
  userId: string;
  projectId?: string;
  roles: ReadonlySet<string>;
}

/**
 * Reads X-Auth-Token (or X-Storage-Token). An invalid or expired token makes the caller anonymous,
 * as keystoneauth with delay_auth_decision does: container ACLs may still let it in.
 */
export function identityOf(
  validator: TokenValidator,
  headers: Record<string, string | string[] | undefined>,
): SwiftIdentity | undefined {
  const header = headers['x-auth-token'] ?? headers['x-storage-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (!token) return undefined;
  const claims = validator.check(token);
  if (!claims) return undefined;
  return {
    userId: claims.userId,
    projectId: claims.projectId,
    roles: new Set(claims.roles.map((r) => r.name.toLowerCase())),
  };
}
