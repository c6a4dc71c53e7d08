import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { conflict, isUniqueViolation, notFound } from '@stratus/platform';
import { DataSource, FindOptionsWhere, In } from 'typeorm';
import { newId } from '../common/keystone-http';
import { RevocationsService } from '../common/revocations.service';
import {
  ActorType,
  GroupMembershipEntity,
  ProjectEntity,
  RoleAssignmentEntity,
  RoleEntity,
  TargetType,
} from '../persistence/identity.entities';
import { definedOnly, ResourceService } from '../projects/resource.service';
import { UsersService } from '../users/users.service';

export interface Grant {
  actorType: ActorType;
  actorId: string;
  targetType: TargetType;
  targetId: string;
  roleId: string;
  inherited: boolean;
}

export interface AssignmentFilter {
  userId?: string;
  groupId?: string;
  projectId?: string;
  domainId?: string;
  system?: boolean;
  roleId?: string;
  effective?: boolean;
}

/** An assignment as listed: for effective listings, the group it came through is kept. */
export interface ListedAssignment extends Grant {
  viaGroupId?: string;
  inheritedFromDomainId?: string;
}

/** Keystone's default implied roles, which bootstrap creates: admin, manager, member, reader, each implying the next. */
const IMPLIED_ROLES: Record<string, string[]> = {
  admin: ['manager'],
  manager: ['member'],
  member: ['reader'],
};

export const SYSTEM_TARGET_ID = 'system';

/** Roles and role assignments (Keystone's assignment backend). */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly resources: ResourceService,
    private readonly users: UsersService,
    private readonly revocations: RevocationsService,
  ) {}

  async createRole(
    input: { name: string; description?: string | null; domainId?: string | null },
    id = newId(),
  ) {
    const role = this.db.getRepository(RoleEntity).create({
      id,
      name: input.name,
      description: input.description ?? null,
      domainId: input.domainId ?? '',
    });
    try {
      return await this.db.getRepository(RoleEntity).save(role);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store role - Duplicate entry found with name ${input.name}.`,
        );
      throw error;
    }
  }

  listRoles(filter: { name?: string; domainId?: string }): Promise<RoleEntity[]> {
    const where: FindOptionsWhere<RoleEntity> = { domainId: filter.domainId ?? '' };
    if (filter.name !== undefined) where.name = filter.name;
    return this.db.getRepository(RoleEntity).find({ where, order: { name: 'ASC' } });
  }

  async getRole(id: string): Promise<RoleEntity> {
    const role = await this.db.getRepository(RoleEntity).findOneBy({ id });
    if (!role) throw notFound(`Could not find role: ${id}.`);
    return role;
  }

  async rolesById(ids: string[]): Promise<Map<string, RoleEntity>> {
    if (ids.length === 0) return new Map();
    const roles = await this.db.getRepository(RoleEntity).findBy({ id: In([...new Set(ids)]) });
    return new Map(roles.map((r) => [r.id, r]));
  }

  async updateRole(id: string, patch: { name?: string; description?: string | null }): Promise<RoleEntity> {
    const role = await this.getRole(id);
    Object.assign(role, definedOnly(patch));
    try {
      return await this.db.getRepository(RoleEntity).save(role);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store role - Duplicate entry found with name ${patch.name}.`,
        );
      throw error;
    }
  }

  async deleteRole(id: string): Promise<void> {
    await this.getRole(id);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(RoleAssignmentEntity).delete({ roleId: id });
      await tx.getRepository(RoleEntity).delete({ id });
    });
    await this.revocations.revoke({ roleId: id });
  }

  async grant(grant: Grant): Promise<void> {
    await this.checkParties(grant);
    await this.db
      .getRepository(RoleAssignmentEntity)
      .upsert(grant, ['actorType', 'actorId', 'targetType', 'targetId', 'roleId', 'inherited']);
  }

  async hasGrant(grant: Grant): Promise<boolean> {
    await this.checkParties(grant);
    return (await this.db.getRepository(RoleAssignmentEntity).countBy({ ...grant })) > 0;
  }

  async revokeGrant(grant: Grant): Promise<void> {
    await this.checkParties(grant);
    const result = await this.db.getRepository(RoleAssignmentEntity).delete({ ...grant });
    if (!result.affected) {
      throw notFound(
        `Could not find role assignment with role: ${grant.roleId}, ${grant.actorType}: ${grant.actorId}, ${grant.targetType}: ${grant.targetId}.`,
      );
    }
    const userIds =
      grant.actorType === 'user'
        ? [grant.actorId]
        : (await this.db.getRepository(GroupMembershipEntity).findBy({ groupId: grant.actorId })).map(
            (m) => m.userId,
          );
    await this.revocations.revokeAll(
      userIds.map((userId) =>
        grant.targetType === 'project' ? { userId, projectId: grant.targetId } : { userId },
      ),
    );
  }

  /** The roles a user holds on a scope: direct, through groups, inherited from the domain, plus implied roles. */
  async effectiveRoles(
    userId: string,
    scope: { projectId?: string; domainId?: string; system?: boolean },
  ): Promise<RoleEntity[]> {
    const groupIds = (await this.db.getRepository(GroupMembershipEntity).findBy({ userId })).map(
      (m) => m.groupId,
    );
    const actors = [
      { actorType: 'user' as const, actorId: userId },
      ...groupIds.map((id) => ({ actorType: 'group' as const, actorId: id })),
    ];
    const targets: { targetType: TargetType; targetId: string; inherited: boolean }[] = [];
    if (scope.projectId) {
      const project = await this.db.getRepository(ProjectEntity).findOneBy({ id: scope.projectId });
      if (!project) return [];
      targets.push({ targetType: 'project', targetId: project.id, inherited: false });
      targets.push({ targetType: 'domain', targetId: project.domainId, inherited: true });
    } else if (scope.domainId) {
      targets.push({ targetType: 'domain', targetId: scope.domainId, inherited: false });
    } else if (scope.system) {
      targets.push({ targetType: 'system', targetId: SYSTEM_TARGET_ID, inherited: false });
    }
    if (targets.length === 0) return [];
    const where = actors.flatMap((actor) => targets.map((target) => ({ ...actor, ...target })));
    const assignments = await this.db.getRepository(RoleAssignmentEntity).findBy(where);
    const roles = [...(await this.rolesById(assignments.map((a) => a.roleId))).values()];
    return this.withImplied(roles);
  }

  private async withImplied(roles: RoleEntity[]): Promise<RoleEntity[]> {
    const byName = new Map(roles.map((r) => [r.name, r]));
    const wanted = new Set<string>();
    const visit = (name: string) => {
      for (const implied of IMPLIED_ROLES[name] ?? []) {
        if (!wanted.has(implied)) {
          wanted.add(implied);
          visit(implied);
        }
      }
    };
    roles.forEach((r) => visit(r.name));
    const missing = [...wanted].filter((name) => !byName.has(name));
    if (missing.length) {
      const implied = await this.db.getRepository(RoleEntity).findBy({ name: In(missing), domainId: '' });
      implied.forEach((r) => byName.set(r.name, r));
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async listAssignments(filter: AssignmentFilter): Promise<ListedAssignment[]> {
    const where: FindOptionsWhere<RoleAssignmentEntity> = {};
    if (filter.roleId) where.roleId = filter.roleId;
    if (filter.projectId) Object.assign(where, { targetType: 'project', targetId: filter.projectId });
    if (filter.domainId) Object.assign(where, { targetType: 'domain', targetId: filter.domainId });
    if (filter.system) Object.assign(where, { targetType: 'system', targetId: SYSTEM_TARGET_ID });
    if (!filter.effective) {
      if (filter.userId) Object.assign(where, { actorType: 'user', actorId: filter.userId });
      if (filter.groupId) Object.assign(where, { actorType: 'group', actorId: filter.groupId });
      return this.db.getRepository(RoleAssignmentEntity).findBy(where);
    }
    return this.effectiveAssignments(filter);
  }

  /**
   * Keystone's `effective` listing: group grants become one entry per member, and inherited
   * domain grants one entry per project of the domain.
   */
  private async effectiveAssignments(filter: AssignmentFilter): Promise<ListedAssignment[]> {
    const where: FindOptionsWhere<RoleAssignmentEntity> = {};
    if (filter.roleId) where.roleId = filter.roleId;
    const all = await this.db.getRepository(RoleAssignmentEntity).findBy(where);
    const memberships = await this.db.getRepository(GroupMembershipEntity).find();
    const projects = await this.db.getRepository(ProjectEntity).find();
    const expanded: ListedAssignment[] = [];
    for (const a of all) {
      const userIds =
        a.actorType === 'user'
          ? [{ id: a.actorId }]
          : memberships.filter((m) => m.groupId === a.actorId).map((m) => ({ id: m.userId, via: a.actorId }));
      const targets = a.inherited
        ? projects
            .filter((p) => p.domainId === a.targetId)
            .map((p) => ({ type: 'project' as const, id: p.id, from: a.targetId }))
        : [{ type: a.targetType, id: a.targetId, from: undefined }];
      for (const user of userIds) {
        for (const target of targets) {
          expanded.push({
            actorType: 'user',
            actorId: user.id,
            targetType: target.type,
            targetId: target.id,
            roleId: a.roleId,
            inherited: false,
            viaGroupId: 'via' in user ? user.via : undefined,
            inheritedFromDomainId: target.from,
          });
        }
      }
    }
    return expanded.filter(
      (a) =>
        (!filter.userId || a.actorId === filter.userId) &&
        (!filter.projectId || (a.targetType === 'project' && a.targetId === filter.projectId)) &&
        (!filter.domainId || (a.targetType === 'domain' && a.targetId === filter.domainId)) &&
        (!filter.system || a.targetType === 'system'),
    );
  }

  private async checkParties(grant: Grant): Promise<void> {
    await this.getRole(grant.roleId);
    if (grant.actorType === 'user') await this.users.getUser(grant.actorId);
    else await this.users.getGroup(grant.actorId);
    if (grant.targetType === 'project') await this.resources.getProject(grant.targetId);
    if (grant.targetType === 'domain') await this.resources.getDomain(grant.targetId);
  }
}
