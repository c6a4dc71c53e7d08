import { Inject, Injectable } from '@nestjs/common';
import {
  AuthMethod,
  badRequest,
  forbidden,
  notFound,
  RoleRef,
  TokenClaims,
  TokenValidator,
  unauthorized,
} from '@stratus/platform';
import { randomBytes } from 'node:crypto';
import { ApplicationCredentialsService } from '../application-credentials/application-credentials.service';
import { CatalogEntry, CatalogService } from '../catalog/catalog.service';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../identity.tokens';
import { DomainEntity, ProjectEntity, UserEntity } from '../persistence/identity.entities';
import { ResourceService } from '../projects/resource.service';
import { AssignmentsService } from '../roles/assignments.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { TokenRequest } from './token-request.schema';
import { TtlCache } from './ttl-cache';

type Scope = { projectId?: string; domainId?: string; system?: boolean };

const NO_ACCESS = 'The request you have made requires authentication.';

/** Keystone's audit ids: 16 random bytes, URL-safe base64 without padding. */
function newAuditId(): string {
  return randomBytes(16).toString('base64url');
}

/** Keystone prints token times with microseconds. */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Issues tokens (password, token and application credential methods) and renders Keystone's token body. */
@Injectable()
export class TokensService {
  /** Display names in token bodies: a few seconds stale at most, and they carry no authority. */
  private readonly names = new TtlCache<string, { name: string; domainId?: string }>(5000);

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly validator: TokenValidator,
    private readonly users: UsersService,
    private readonly resources: ResourceService,
    private readonly assignments: AssignmentsService,
    private readonly catalogs: CatalogService,
    private readonly applicationCredentials: ApplicationCredentialsService,
    private readonly hasher: PasswordHasher,
  ) {}

  async issue(request: TokenRequest): Promise<{ token: string; claims: TokenClaims }> {
    const { identity, scope } = request.auth;
    const method = identity.methods.find(
      (m) => m === 'password' || m === 'token' || m === 'application_credential',
    );
    if (!method) throw unauthorized(`Attempted to authenticate with an unsupported method.`);
    const now = Date.now();
    const lifetime = this.config.TOKEN_EXPIRATION_SECONDS * 1000;

    if (method === 'application_credential') {
      const section = identity.application_credential;
      if (!section)
        throw badRequest("Invalid input for field 'identity': 'application_credential' is required.");
      if (scope && scope !== 'unscoped')
        throw unauthorized('Application credentials cannot request a scope.');
      const userId = section.user ? (await this.resolveUser(section.user)).id : undefined;
      const credential = await this.applicationCredentials.verify(
        { id: section.id, name: section.name, userId },
        section.secret,
      );
      if (!credential) throw unauthorized(NO_ACCESS);
      const user = await this.users.getUser(credential.userId);
      await this.requireEnabledUser(user);
      await this.requireEnabledProject(credential.projectId);
      const expiresAt = Math.min(now + lifetime, credential.expiresAt?.getTime() ?? Infinity);
      return this.sign({
        userId: user.id,
        methods: ['application_credential'],
        projectId: credential.projectId,
        roles: credential.roles,
        issuedAt: now,
        expiresAt,
        auditIds: [newAuditId()],
        applicationCredentialId: credential.id,
      });
    }

    let user: UserEntity;
    let methods: AuthMethod[];
    let expiresAt = now + lifetime;
    let auditIds = [newAuditId()];
    if (method === 'password') {
      const section = identity.password;
      if (!section) throw badRequest("Invalid input for field 'identity': 'password' is required.");
      user = await this.authenticatePassword(section.user);
      methods = ['password'];
    } else {
      const section = identity.token;
      if (!section) throw badRequest("Invalid input for field 'identity': 'token' is required.");
      const original = this.validator.check(section.id);
      if (!original) throw unauthorized(NO_ACCESS);
      if (original.applicationCredentialId)
        throw forbidden('Application credential tokens cannot be rescoped.');
      user = await this.users.getUser(original.userId).catch(() => {
        throw unauthorized(NO_ACCESS);
      });
      await this.requireEnabledUser(user);
      methods = [...new Set<AuthMethod>([...original.methods, 'token'])];
      expiresAt = original.expiresAt;
      auditIds = [newAuditId(), original.auditIds[original.auditIds.length - 1]];
    }

    const target = await this.resolveScope(user, scope);
    let roles: RoleRef[] = [];
    if (target.projectId || target.domainId || target.system) {
      roles = (await this.assignments.effectiveRoles(user.id, target)).map((r) => ({
        id: r.id,
        name: r.name,
      }));
      if (roles.length === 0) {
        const what = target.projectId
          ? `project ${target.projectId}`
          : target.domainId
            ? `domain ${target.domainId}`
            : 'the system';
        throw unauthorized(`User ${user.id} has no access to ${what}.`);
      }
    }
    return this.sign({ userId: user.id, methods, ...target, roles, issuedAt: now, expiresAt, auditIds });
  }

  private sign(claims: TokenClaims): { token: string; claims: TokenClaims } {
    return { token: this.validator.codec.encode(claims), claims };
  }

  private async resolveUser(ref: {
    id?: string;
    name?: string;
    domain?: { id?: string; name?: string };
  }): Promise<UserEntity & { resolvedDomain?: DomainEntity }> {
    if (ref.id) {
      const user = await this.users.getUser(ref.id).catch(() => undefined);
      if (!user) throw unauthorized(NO_ACCESS);
      return user;
    }
    if (!ref.domain || (!ref.domain.id && !ref.domain.name)) {
      throw badRequest(
        'Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect.',
      );
    }
    const domain = await this.findDomain(ref.domain).catch(() => undefined);
    const user = domain ? await this.users.findUserByName(ref.name ?? '', domain.id) : null;
    if (!user) throw unauthorized(NO_ACCESS);
    return Object.assign(user, { resolvedDomain: domain });
  }

  /** A wrong name and a wrong password answer alike, in the same time. */
  private async authenticatePassword(ref: {
    id?: string;
    name?: string;
    domain?: { id?: string; name?: string };
    password?: string;
  }): Promise<UserEntity> {
    const user = await this.resolveUser(ref).catch(async (error: unknown) => {
      await this.hasher.verify(ref.password ?? '', undefined);
      throw error;
    });
    if (!(await this.hasher.verify(ref.password ?? '', user.passwordHash))) throw unauthorized(NO_ACCESS);
    await this.requireEnabledUser(user, user.resolvedDomain);
    return user;
  }

  private async requireEnabledUser(user: UserEntity, knownDomain?: DomainEntity): Promise<void> {
    if (!user.enabled) throw unauthorized(NO_ACCESS);
    const domain =
      knownDomain?.id === user.domainId ? knownDomain : await this.resources.getDomain(user.domainId);
    if (!domain.enabled) throw unauthorized(NO_ACCESS);
  }

  private async requireEnabledProject(
    project: ProjectEntity | string,
    knownDomain?: DomainEntity,
  ): Promise<void> {
    const found =
      typeof project === 'string' ? await this.resources.getProject(project).catch(() => undefined) : project;
    if (!found || !found.enabled) throw unauthorized(NO_ACCESS);
    const domain =
      knownDomain?.id === found.domainId ? knownDomain : await this.resources.getDomain(found.domainId);
    if (!domain.enabled) throw unauthorized(NO_ACCESS);
  }

  private findDomain(ref: { id?: string; name?: string }): Promise<DomainEntity> {
    return ref.id ? this.resources.getDomain(ref.id) : this.resources.findDomainByName(ref.name ?? '');
  }

  private async resolveScope(user: UserEntity, scope: TokenRequest['auth']['scope']): Promise<Scope> {
    if (scope === 'unscoped') return {};
    if (!scope) {
      if (!user.defaultProjectId) return {};
      const project = await this.resources.getProject(user.defaultProjectId).catch(() => undefined);
      if (!project?.enabled) return {};
      const roles = await this.assignments.effectiveRoles(user.id, { projectId: project.id });
      return roles.length ? { projectId: project.id } : {};
    }
    const chosen = [scope.project, scope.domain, scope.system].filter(Boolean).length;
    if (chosen > 1) throw badRequest('Specifying more than one scope is not allowed.');
    if (scope.project) {
      const ref = scope.project;
      let domain: DomainEntity | undefined;
      if (!ref.id) {
        if (!ref.domain || (!ref.domain.id && !ref.domain.name)) {
          throw badRequest('Expecting to find domain in project.');
        }
        domain = await this.findDomain(ref.domain).catch(() => {
          throw unauthorized(NO_ACCESS);
        });
      }
      const project = await this.resources
        .findProject({ id: ref.id, name: ref.name, domainId: domain?.id })
        .catch(() => {
          throw unauthorized(NO_ACCESS);
        });
      await this.requireEnabledProject(project, domain);
      return { projectId: project.id };
    }
    if (scope.domain) {
      const domain = await this.findDomain(scope.domain).catch(() => {
        throw unauthorized(NO_ACCESS);
      });
      if (!domain.enabled) throw unauthorized(NO_ACCESS);
      return { domainId: domain.id };
    }
    if (scope.system?.all) return { system: true };
    return {};
  }

  /** The subject token's claims, or 404 as Keystone answers for a token it will not vouch for. */
  subject(token: string | undefined): TokenClaims {
    const claims = token ? this.validator.check(token) : undefined;
    if (!claims) throw notFound(`Could not find token: ${token ?? ''}.`);
    return claims;
  }

  async render(claims: TokenClaims, withCatalog: boolean): Promise<Record<string, unknown>> {
    const user = await this.userName(claims.userId);
    const body: Record<string, unknown> = {
      methods: claims.methods,
      user: {
        id: claims.userId,
        name: user.name,
        domain: { id: user.domainId, name: (await this.domainName(user.domainId ?? '')).name },
        password_expires_at: null,
      },
      audit_ids: claims.auditIds,
      expires_at: keystoneTime(claims.expiresAt),
      issued_at: keystoneTime(claims.issuedAt),
    };
    if (claims.projectId) {
      const project = await this.projectName(claims.projectId);
      body.project = {
        id: claims.projectId,
        name: project.name,
        domain: { id: project.domainId, name: (await this.domainName(project.domainId ?? '')).name },
      };
      body.is_domain = false;
    }
    if (claims.domainId)
      body.domain = { id: claims.domainId, name: (await this.domainName(claims.domainId)).name };
    if (claims.system) body.system = { all: true };
    if (claims.projectId || claims.domainId || claims.system) {
      body.roles = claims.roles.map((r) => ({ id: r.id, name: r.name }));
      if (withCatalog) {
        body.catalog = await this.catalogs.scopedCatalog({
          project_id: claims.projectId,
          user_id: claims.userId,
        });
      }
    }
    if (claims.applicationCredentialId) {
      const credential = await this.applicationCredentials
        .get(claims.userId, claims.applicationCredentialId)
        .catch(() => undefined);
      body.application_credential = {
        id: claims.applicationCredentialId,
        name: credential?.name ?? '',
        restricted: !(credential?.unrestricted ?? false),
      };
    }
    return body;
  }

  catalogFor(claims: TokenClaims): Promise<CatalogEntry[]> {
    if (!claims.projectId && !claims.domainId && !claims.system) {
      throw forbidden('A scoped token is required to list the catalog.');
    }
    return this.catalogs.scopedCatalog({ project_id: claims.projectId, user_id: claims.userId });
  }

  private userName(id: string) {
    return this.names.get(`u:${id}`, async () => {
      const user = await this.users.getUser(id);
      return { name: user.name, domainId: user.domainId };
    });
  }

  private projectName(id: string) {
    return this.names.get(`p:${id}`, async () => {
      const project = await this.resources.getProject(id);
      return { name: project.name, domainId: project.domainId };
    });
  }

  private domainName(id: string) {
    return this.names.get(`d:${id}`, async () => ({ name: (await this.resources.getDomain(id)).name }));
  }
}
