import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuthContext, badRequest, conflict, forbidden, isUniqueViolation, notFound } from '@stratus/platform';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '../common/keystone-http';
import { RevocationsService } from '../common/revocations.service';
import { ApplicationCredentialEntity } from '../persistence/identity.entities';
import { AssignmentsService } from '../roles/assignments.service';
import { PasswordHasher } from '../users/password-hasher';

export interface ApplicationCredentialInput {
  name: string;
  description?: string | null;
  secret?: string | null;
  expiresAt?: Date | null;
  roles?: { id?: string; name?: string }[];
  unrestricted?: boolean;
}

/** Application credentials: a secret bound to one user, one project and a subset of their roles. */
@Injectable()
export class ApplicationCredentialsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly assignments: AssignmentsService,
    private readonly hasher: PasswordHasher,
    private readonly revocations: RevocationsService,
  ) {}

  async create(
    auth: AuthContext,
    userId: string,
    input: ApplicationCredentialInput,
  ): Promise<{ credential: ApplicationCredentialEntity; secret: string }> {
    if (auth.userId !== userId) throw forbidden('Application credentials can only be created for yourself.');
    if (!auth.projectId)
      throw badRequest('An application credential must be created with a project-scoped token.');
    if (auth.claims.applicationCredentialId) {
      const parent = await this.db
        .getRepository(ApplicationCredentialEntity)
        .findOneBy({ id: auth.claims.applicationCredentialId });
      if (!parent?.unrestricted) {
        throw forbidden(
          "Using method 'application_credential' is not allowed for managing additional application credentials.",
        );
      }
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw badRequest('The expiration time must be in the future.');
    }
    const held = auth.roles;
    const wanted = input.roles?.length
      ? input.roles.map((r) => {
          const role = held.find((h) => (r.id && h.id === r.id) || (r.name && h.name === r.name));
          if (!role) throw forbidden(`Role ${r.id ?? r.name} is not held by the user on the project.`);
          return role;
        })
      : [...held];
    const secret = input.secret ?? randomBytes(48).toString('base64url');
    const credential = this.db.getRepository(ApplicationCredentialEntity).create({
      id: newId(),
      name: input.name,
      userId,
      projectId: auth.projectId,
      secretHash: await this.hasher.hash(secret),
      description: input.description ?? null,
      expiresAt: input.expiresAt ?? null,
      unrestricted: input.unrestricted ?? false,
      roles: wanted.map((r) => ({ id: r.id, name: r.name })),
    });
    try {
      await this.db.getRepository(ApplicationCredentialEntity).save(credential);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`,
        );
      throw error;
    }
    return { credential, secret };
  }

  list(userId: string, name?: string): Promise<ApplicationCredentialEntity[]> {
    return this.db.getRepository(ApplicationCredentialEntity).find({
      where: name === undefined ? { userId } : { userId, name },
      order: { name: 'ASC' },
    });
  }

  async get(userId: string, id: string): Promise<ApplicationCredentialEntity> {
    const credential = await this.db.getRepository(ApplicationCredentialEntity).findOneBy({ id, userId });
    if (!credential) throw notFound(`Could not find Application Credential: ${id}.`);
    return credential;
  }

  async delete(auth: AuthContext, userId: string, id: string): Promise<void> {
    await this.get(userId, id);
    if (auth.claims.applicationCredentialId) {
      const own = await this.db
        .getRepository(ApplicationCredentialEntity)
        .findOneBy({ id: auth.claims.applicationCredentialId });
      if (!own?.unrestricted) {
        throw forbidden(
          "Using method 'application_credential' is not allowed for managing additional application credentials.",
        );
      }
    }
    await this.db.getRepository(ApplicationCredentialEntity).delete({ id });
    await this.revocations.revoke({ applicationCredentialId: id });
  }

  /** For authentication: the credential if the secret matches, it has not expired and its roles still hold. */
  async verify(
    ref: { id?: string; name?: string; userId?: string },
    secret: string,
  ): Promise<ApplicationCredentialEntity | undefined> {
    const repo = this.db.getRepository(ApplicationCredentialEntity);
    const credential = ref.id
      ? await repo.findOneBy({ id: ref.id })
      : ref.name && ref.userId
        ? await repo.findOneBy({ name: ref.name, userId: ref.userId })
        : null;
    if (!(await this.hasher.verify(secret, credential?.secretHash))) return undefined;
    if (!credential || (credential.expiresAt && credential.expiresAt.getTime() <= Date.now()))
      return undefined;
    const current = await this.assignments.effectiveRoles(credential.userId, {
      projectId: credential.projectId,
    });
    const stillHeld = credential.roles.every((r) => current.some((c) => c.id === r.id));
    return stillHeld ? credential : undefined;
  }
}
