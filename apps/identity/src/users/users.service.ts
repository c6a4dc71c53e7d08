import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, conflict, isUniqueViolation, notFound, unauthorized } from '@stratus/platform';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { newId } from '../common/keystone-http';
import { RevocationsService } from '../common/revocations.service';
import {
  ApplicationCredentialEntity,
  GroupEntity,
  GroupMembershipEntity,
  RoleAssignmentEntity,
  UserEntity,
} from '../persistence/identity.entities';
import { DEFAULT_DOMAIN_ID, definedOnly, ResourceService } from '../projects/resource.service';
import { PasswordHasher } from './password-hasher';

export interface UserInput {
  name: string;
  domainId?: string;
  password?: string | null;
  enabled?: boolean;
  defaultProjectId?: string | null;
  extra?: Record<string, unknown>;
}

export interface GroupInput {
  name: string;
  domainId?: string;
  description?: string | null;
}

/** Users, groups and membership (Keystone's identity backend). */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly resources: ResourceService,
    private readonly revocations: RevocationsService,
  ) {}

  async createUser(input: UserInput, id = newId()): Promise<UserEntity> {
    const domainId = input.domainId ?? DEFAULT_DOMAIN_ID;
    await this.resources.getDomain(domainId);
    if (input.defaultProjectId) await this.resources.getProject(input.defaultProjectId);
    const user = this.db.getRepository(UserEntity).create({
      id,
      name: input.name,
      domainId,
      enabled: input.enabled ?? true,
      passwordHash: input.password ? await this.hasher.hash(input.password) : null,
      defaultProjectId: input.defaultProjectId ?? null,
      extra: input.extra ?? {},
      createdAt: new Date(),
    });
    try {
      return await this.db.getRepository(UserEntity).save(user);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store user - Duplicate entry found with name ${input.name} at domain ID ${domainId}.`,
        );
      throw error;
    }
  }

  listUsers(filter: { name?: string; domainId?: string; enabled?: boolean }): Promise<UserEntity[]> {
    const where: FindOptionsWhere<UserEntity> = {};
    if (filter.name !== undefined) where.name = filter.name;
    if (filter.domainId !== undefined) where.domainId = filter.domainId;
    if (filter.enabled !== undefined) where.enabled = filter.enabled;
    return this.db.getRepository(UserEntity).find({ where, order: { name: 'ASC' } });
  }

  async getUser(id: string): Promise<UserEntity> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ id });
    if (!user) throw notFound(`Could not find user: ${id}.`);
    return user;
  }

  findUserByName(name: string, domainId: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ name, domainId });
  }

  async updateUser(id: string, patch: Partial<UserInput>): Promise<UserEntity> {
    const user = await this.getUser(id);
    if (patch.domainId !== undefined && patch.domainId !== user.domainId) {
      throw badRequest('Update of `domain_id` is not allowed.');
    }
    if (patch.defaultProjectId) await this.resources.getProject(patch.defaultProjectId);
    const disabling = user.enabled && patch.enabled === false;
    const passwordChanged = patch.password !== undefined;
    const { password, extra, ...rest } = patch;
    Object.assign(user, definedOnly({ ...rest, domainId: undefined }));
    if (extra) user.extra = { ...user.extra, ...extra };
    if (passwordChanged) user.passwordHash = password ? await this.hasher.hash(password) : null;
    try {
      await this.db.getRepository(UserEntity).save(user);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store user - Duplicate entry found with name ${patch.name} at domain ID ${user.domainId}.`,
        );
      throw error;
    }
    if (disabling || passwordChanged) await this.revocations.revoke({ userId: id });
    return user;
  }

  /** A user changing their own password must prove the old one; every token they hold is revoked. */
  async changePassword(id: string, originalPassword: string, password: string): Promise<void> {
    const user = await this.getUser(id);
    if (!(await this.hasher.verify(originalPassword, user.passwordHash))) {
      throw unauthorized('The request you have made requires authentication.');
    }
    user.passwordHash = await this.hasher.hash(password);
    await this.db.getRepository(UserEntity).save(user);
    await this.revocations.revoke({ userId: id });
  }

  async deleteUser(id: string): Promise<void> {
    await this.getUser(id);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(RoleAssignmentEntity).delete({ actorType: 'user', actorId: id });
      await tx.getRepository(GroupMembershipEntity).delete({ userId: id });
      await tx.getRepository(ApplicationCredentialEntity).delete({ userId: id });
      await tx.getRepository(UserEntity).delete({ id });
    });
    await this.revocations.revoke({ userId: id });
  }

  async createGroup(input: GroupInput): Promise<GroupEntity> {
    const domainId = input.domainId ?? DEFAULT_DOMAIN_ID;
    await this.resources.getDomain(domainId);
    const group = this.db.getRepository(GroupEntity).create({
      id: newId(),
      name: input.name,
      domainId,
      description: input.description ?? null,
    });
    try {
      return await this.db.getRepository(GroupEntity).save(group);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store group - Duplicate entry found with name ${input.name}.`,
        );
      throw error;
    }
  }

  listGroups(filter: { name?: string; domainId?: string }): Promise<GroupEntity[]> {
    const where: FindOptionsWhere<GroupEntity> = {};
    if (filter.name !== undefined) where.name = filter.name;
    if (filter.domainId !== undefined) where.domainId = filter.domainId;
    return this.db.getRepository(GroupEntity).find({ where, order: { name: 'ASC' } });
  }

  async getGroup(id: string): Promise<GroupEntity> {
    const group = await this.db.getRepository(GroupEntity).findOneBy({ id });
    if (!group) throw notFound(`Could not find group: ${id}.`);
    return group;
  }

  async updateGroup(id: string, patch: Partial<GroupInput>): Promise<GroupEntity> {
    const group = await this.getGroup(id);
    if (patch.domainId !== undefined && patch.domainId !== group.domainId) {
      throw badRequest('Update of `domain_id` is not allowed.');
    }
    Object.assign(group, definedOnly({ ...patch, domainId: undefined }));
    try {
      return await this.db.getRepository(GroupEntity).save(group);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `Conflict occurred attempting to store group - Duplicate entry found with name ${patch.name}.`,
        );
      throw error;
    }
  }

  async deleteGroup(id: string): Promise<void> {
    await this.getGroup(id);
    const members = await this.db.getRepository(GroupMembershipEntity).findBy({ groupId: id });
    await this.db.transaction(async (tx) => {
      await tx.getRepository(RoleAssignmentEntity).delete({ actorType: 'group', actorId: id });
      await tx.getRepository(GroupMembershipEntity).delete({ groupId: id });
      await tx.getRepository(GroupEntity).delete({ id });
    });
    await this.revocations.revokeAll(members.map((m) => ({ userId: m.userId })));
  }

  async addToGroup(groupId: string, userId: string): Promise<void> {
    await this.getGroup(groupId);
    await this.getUser(userId);
    await this.db.getRepository(GroupMembershipEntity).upsert({ groupId, userId }, ['groupId', 'userId']);
  }

  async removeFromGroup(groupId: string, userId: string): Promise<void> {
    await this.getGroup(groupId);
    await this.getUser(userId);
    const result = await this.db.getRepository(GroupMembershipEntity).delete({ groupId, userId });
    if (!result.affected) throw notFound(`User '${userId}' not found in group '${groupId}'.`);
    await this.revocations.revoke({ userId });
  }

  async isInGroup(groupId: string, userId: string): Promise<boolean> {
    await this.getGroup(groupId);
    await this.getUser(userId);
    return (await this.db.getRepository(GroupMembershipEntity).countBy({ groupId, userId })) > 0;
  }

  async groupMembers(groupId: string): Promise<UserEntity[]> {
    await this.getGroup(groupId);
    const ids = (await this.db.getRepository(GroupMembershipEntity).findBy({ groupId })).map((m) => m.userId);
    return ids.length
      ? this.db.getRepository(UserEntity).find({ where: ids.map((id) => ({ id })), order: { name: 'ASC' } })
      : [];
  }

  async groupsOf(userId: string): Promise<GroupEntity[]> {
    const ids = (await this.db.getRepository(GroupMembershipEntity).findBy({ userId })).map((m) => m.groupId);
    return ids.length
      ? this.db.getRepository(GroupEntity).find({ where: ids.map((id) => ({ id })), order: { name: 'ASC' } })
      : [];
  }
}
