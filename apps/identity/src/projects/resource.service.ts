import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { conflict, DomainError, forbidden, isUniqueViolation, notFound } from '@stratus/platform';
import { ErrorCode } from '@stratus/contracts';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { newId } from '../common/keystone-http';
import { RevocationsService } from '../common/revocations.service';
import {
  ApplicationCredentialEntity,
  DomainEntity,
  GroupEntity,
  ProjectEntity,
  RoleAssignmentEntity,
  UserEntity,
} from '../persistence/identity.entities';

export const DEFAULT_DOMAIN_ID = 'default';

export interface DomainInput {
  name: string;
  description?: string | null;
  enabled?: boolean;
  tags?: string[];
}

export interface ProjectInput {
  name: string;
  domainId?: string;
  parentId?: string | null;
  description?: string | null;
  enabled?: boolean;
  tags?: string[];
  extra?: Record<string, unknown>;
}

/** Domains and projects (Keystone's resource backend). */
@Injectable()
export class ResourceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly revocations: RevocationsService,
  ) {}

  async createDomain(input: DomainInput, id = newId()): Promise<DomainEntity> {
    const domain = this.db.getRepository(DomainEntity).create({
      id,
      name: input.name,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      tags: input.tags ?? [],
    });
    try {
      return await this.db.getRepository(DomainEntity).save(domain);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store domain - Duplicate entry found with name ${input.name}.`,
        );
      throw error;
    }
  }

  listDomains(filter: { name?: string; enabled?: boolean }): Promise<DomainEntity[]> {
    const where: FindOptionsWhere<DomainEntity> = {};
    if (filter.name !== undefined) where.name = filter.name;
    if (filter.enabled !== undefined) where.enabled = filter.enabled;
    return this.db.getRepository(DomainEntity).find({ where, order: { name: 'ASC' } });
  }

  async getDomain(id: string): Promise<DomainEntity> {
    const domain = await this.db.getRepository(DomainEntity).findOneBy({ id });
    if (!domain) throw notFound(`Could not find domain: ${id}.`);
    return domain;
  }

  async findDomainByName(name: string): Promise<DomainEntity> {
    const domain = await this.db.getRepository(DomainEntity).findOneBy({ name });
    if (!domain) throw notFound(`Could not find domain: ${name}.`);
    return domain;
  }

  async updateDomain(id: string, patch: Partial<DomainInput>): Promise<DomainEntity> {
    const domain = await this.getDomain(id);
    if (id === DEFAULT_DOMAIN_ID && patch.enabled === false)
      throw forbidden('The default domain cannot be disabled.');
    const disabling = domain.enabled && patch.enabled === false;
    Object.assign(domain, definedOnly(patch));
    try {
      await this.db.getRepository(DomainEntity).save(domain);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store domain - Duplicate entry found with name ${patch.name}.`,
        );
      throw error;
    }
    if (disabling) await this.revokeDomain(id);
    return domain;
  }

  async deleteDomain(id: string): Promise<void> {
    const domain = await this.getDomain(id);
    if (domain.enabled) {
      throw forbidden('Cannot delete a domain that is enabled, please disable it first.');
    }
    await this.revokeDomain(id);
    await this.db.transaction(async (tx) => {
      const projects = await tx.getRepository(ProjectEntity).findBy({ domainId: id });
      const users = await tx.getRepository(UserEntity).findBy({ domainId: id });
      const groups = await tx.getRepository(GroupEntity).findBy({ domainId: id });
      for (const p of projects)
        await tx.getRepository(RoleAssignmentEntity).delete({ targetType: 'project', targetId: p.id });
      for (const u of users)
        await tx.getRepository(RoleAssignmentEntity).delete({ actorType: 'user', actorId: u.id });
      for (const g of groups)
        await tx.getRepository(RoleAssignmentEntity).delete({ actorType: 'group', actorId: g.id });
      await tx.getRepository(RoleAssignmentEntity).delete({ targetType: 'domain', targetId: id });
      await tx.getRepository(ProjectEntity).delete({ domainId: id });
      await tx.getRepository(UserEntity).delete({ domainId: id });
      await tx.getRepository(GroupEntity).delete({ domainId: id });
      await tx.getRepository(DomainEntity).delete({ id });
    });
  }

  async createProject(input: ProjectInput, id = newId()): Promise<ProjectEntity> {
    let domainId = input.domainId ?? DEFAULT_DOMAIN_ID;
    if (input.parentId) {
      const parent = await this.getProject(input.parentId).catch(() => undefined);
      if (!parent) {
        // Keystone accepts a domain id as parent_id for a top-level project.
        const domain = await this.getDomain(input.parentId).catch(() => undefined);
        if (!domain) throw notFound(`Could not find project: ${input.parentId}.`);
        domainId = domain.id;
      } else {
        if (input.domainId && input.domainId !== parent.domainId) {
          throw new DomainError(
            ErrorCode.BadRequest,
            'Cannot create project, the parent is in another domain.',
          );
        }
        domainId = parent.domainId;
      }
    }
    await this.getDomain(domainId);
    const project = this.db.getRepository(ProjectEntity).create({
      id,
      name: input.name,
      domainId,
      parentId: input.parentId && input.parentId !== domainId ? input.parentId : null,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      tags: input.tags ?? [],
      extra: input.extra ?? {},
    });
    try {
      return await this.db.getRepository(ProjectEntity).save(project);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${input.name}.`,
        );
      throw error;
    }
  }

  listProjects(filter: {
    name?: string;
    domainId?: string;
    enabled?: boolean;
    parentId?: string;
  }): Promise<ProjectEntity[]> {
    const where: FindOptionsWhere<ProjectEntity> = {};
    if (filter.name !== undefined) where.name = filter.name;
    if (filter.domainId !== undefined) where.domainId = filter.domainId;
    if (filter.enabled !== undefined) where.enabled = filter.enabled;
    if (filter.parentId !== undefined) where.parentId = filter.parentId;
    return this.db.getRepository(ProjectEntity).find({ where, order: { name: 'ASC' } });
  }

  async getProject(id: string): Promise<ProjectEntity> {
    const project = await this.db.getRepository(ProjectEntity).findOneBy({ id });
    if (!project) throw notFound(`Could not find project: ${id}.`);
    return project;
  }

  async findProject(ref: { id?: string; name?: string; domainId?: string }): Promise<ProjectEntity> {
    if (ref.id) return this.getProject(ref.id);
    const project = await this.db
      .getRepository(ProjectEntity)
      .findOneBy({ name: ref.name ?? '', domainId: ref.domainId ?? DEFAULT_DOMAIN_ID });
    if (!project) throw notFound(`Could not find project: ${ref.name}.`);
    return project;
  }

  async updateProject(id: string, patch: Partial<ProjectInput>): Promise<ProjectEntity> {
    const project = await this.getProject(id);
    if (patch.domainId !== undefined && patch.domainId !== project.domainId) {
      throw badRequestUpdate('domain_id');
    }
    const disabling = project.enabled && patch.enabled === false;
    const { extra, ...rest } = patch;
    Object.assign(project, definedOnly({ ...rest, domainId: undefined, parentId: undefined }));
    if (extra) project.extra = { ...project.extra, ...extra };
    try {
      await this.db.getRepository(ProjectEntity).save(project);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${patch.name}.`,
        );
      throw error;
    }
    if (disabling) await this.revocations.revoke({ projectId: id });
    return project;
  }

  async deleteProject(id: string): Promise<void> {
    await this.getProject(id);
    const children = await this.db.getRepository(ProjectEntity).countBy({ parentId: id });
    if (children > 0) throw forbidden('Cannot delete the project since it is not a leaf in the hierarchy.');
    await this.db.transaction(async (tx) => {
      await tx.getRepository(RoleAssignmentEntity).delete({ targetType: 'project', targetId: id });
      await tx.getRepository(ApplicationCredentialEntity).delete({ projectId: id });
      await tx.getRepository(ProjectEntity).delete({ id });
    });
    await this.revocations.revoke({ projectId: id });
  }

  private async revokeDomain(domainId: string): Promise<void> {
    const projects = await this.db.getRepository(ProjectEntity).findBy({ domainId });
    const users = await this.db.getRepository(UserEntity).findBy({ domainId });
    await this.revocations.revokeAll([
      { domainId },
      ...projects.map((p) => ({ projectId: p.id })),
      ...users.map((u) => ({ userId: u.id })),
    ]);
  }
}

function badRequestUpdate(field: string): DomainError {
  return new DomainError(ErrorCode.BadRequest, `Update of \`${field}\` is not allowed.`);
}

/** Drops undefined keys so a PATCH only changes what the client sent. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
