import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('domain')
export class DomainEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Index('uq_domain_name', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'simple-json' })
  tags: string[];
}

@Entity('project')
@Index('uq_project_domain_name', ['domainId', 'name'], { unique: true })
export class ProjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'domain_id', type: 'varchar', length: 64 })
  domainId: string;

  @Index('ix_project_parent')
  @Column({ name: 'parent_id', type: 'varchar', length: 64, nullable: true })
  parentId: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'simple-json' })
  tags: string[];

  @Column({ type: 'simple-json' })
  extra: Record<string, unknown>;
}

@Entity('user')
@Index('uq_user_domain_name', ['domainId', 'name'], { unique: true })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'domain_id', type: 'varchar', length: 64 })
  domainId: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ name: 'default_project_id', type: 'varchar', length: 64, nullable: true })
  defaultProjectId: string | null;

  /** Keystone keeps arbitrary extra attributes (email, description) on users. */
  @Column({ type: 'simple-json' })
  extra: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}

@Entity('group')
@Index('uq_group_domain_name', ['domainId', 'name'], { unique: true })
export class GroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'domain_id', type: 'varchar', length: 64 })
  domainId: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}

@Entity('group_membership')
export class GroupMembershipEntity {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 64 })
  groupId: string;

  @Index('ix_group_membership_user')
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;
}

@Entity('role')
@Index('uq_role_domain_name', ['domainId', 'name'], { unique: true })
export class RoleEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Empty string for global roles, so the unique index also covers them (NULLs never collide). */
  @Column({ name: 'domain_id', type: 'varchar', length: 64 })
  domainId: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}

export type ActorType = 'user' | 'group';
export type TargetType = 'project' | 'domain' | 'system';

@Entity('role_assignment')
@Index('ix_assignment_target', ['targetType', 'targetId'])
export class RoleAssignmentEntity {
  @PrimaryColumn({ name: 'actor_type', type: 'varchar', length: 8 })
  actorType: ActorType;

  @PrimaryColumn({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId: string;

  @PrimaryColumn({ name: 'target_type', type: 'varchar', length: 8 })
  targetType: TargetType;

  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 64 })
  targetId: string;

  @PrimaryColumn({ name: 'role_id', type: 'varchar', length: 64 })
  roleId: string;

  /** Granted on a domain and inherited by every project in it (OS-INHERIT). */
  @PrimaryColumn({ type: 'boolean' })
  inherited: boolean;
}

@Entity('region')
export class RegionEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'parent_region_id', type: 'varchar', length: 255, nullable: true })
  parentRegionId: string | null;
}

@Entity('service')
export class ServiceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  type: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean' })
  enabled: boolean;
}

@Entity('endpoint')
export class EndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Index('ix_endpoint_service')
  @Column({ name: 'service_id', type: 'varchar', length: 64 })
  serviceId: string;

  @Column({ name: 'region_id', type: 'varchar', length: 255, nullable: true })
  regionId: string | null;

  @Column({ type: 'varchar', length: 8 })
  interface: 'public' | 'internal' | 'admin';

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'boolean' })
  enabled: boolean;
}

@Entity('application_credential')
@Index('uq_app_cred_user_name', ['userId', 'name'], { unique: true })
export class ApplicationCredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'expires_at', type: 'datetime', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'boolean' })
  unrestricted: boolean;

  @Column({ type: 'simple-json' })
  roles: { id: string; name: string }[];
}

export const IDENTITY_ENTITIES = [
  DomainEntity,
  ProjectEntity,
  UserEntity,
  GroupEntity,
  GroupMembershipEntity,
  RoleEntity,
  RoleAssignmentEntity,
  RegionEntity,
  ServiceEntity,
  EndpointEntity,
  ApplicationCredentialEntity,
];
