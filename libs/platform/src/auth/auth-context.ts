import type { RoleRef, TokenClaims } from './token';

/** Who is calling and in what scope, as established from a validated token. */
export class AuthContext {
  readonly roleNames: ReadonlySet<string>;

  constructor(
    readonly token: string,
    readonly claims: TokenClaims,
  ) {
    this.roleNames = new Set(claims.roles.map((r) => r.name));
  }

  get userId(): string {
    return this.claims.userId;
  }

  get projectId(): string | undefined {
    return this.claims.projectId;
  }

  get domainId(): string | undefined {
    return this.claims.domainId;
  }

  get isSystemScoped(): boolean {
    return this.claims.system === true;
  }

  get roles(): readonly RoleRef[] {
    return this.claims.roles;
  }

  hasRole(name: string): boolean {
    return this.roleNames.has(name);
  }

  /** Keystone's default policy: the admin role grants everything. */
  get isAdmin(): boolean {
    return this.hasRole('admin');
  }

  /** member implies reader, admin implies member: Keystone's default role hierarchy. */
  get isMember(): boolean {
    return this.isAdmin || this.hasRole('member');
  }

  get isReader(): boolean {
    return this.isMember || this.hasRole('reader');
  }
}
