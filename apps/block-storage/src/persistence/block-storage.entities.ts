import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('volume')
@Index('ix_volume_project_created', ['projectId', 'createdAt'])
@Index('ix_volume_status', ['status'])
@Index('ix_volume_host_status', ['host', 'status'])
export class VolumeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  /** GiB. */
  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'varchar', length: 32 })
  status: string;

  /** What the status was before a temporary one (uploading, reverting, retyping, ...). */
  @Column({ name: 'previous_status', type: 'varchar', length: 32, nullable: true })
  previousStatus: string | null;

  /** detached, attaching, attached, reserved, error_attaching, error_detaching. */
  @Column({ name: 'attach_status', type: 'varchar', length: 32 })
  attachStatus: string;

  @Column({ name: 'migration_status', type: 'varchar', length: 32, nullable: true })
  migrationStatus: string | null;

  @Column({ name: 'availability_zone', type: 'varchar', length: 255 })
  availabilityZone: string;

  @Column({ name: 'volume_type_id', type: 'varchar', length: 36 })
  volumeTypeId: string;

  @Column({ type: 'boolean' })
  bootable: boolean;

  @Column({ type: 'boolean' })
  multiattach: boolean;

  @Column({ name: 'source_volid', type: 'varchar', length: 36, nullable: true })
  sourceVolid: string | null;

  @Column({ name: 'snapshot_id', type: 'varchar', length: 36, nullable: true })
  snapshotId: string | null;

  /**
   * Cinder's host, `<host>@<backend>#<pool>`: the service that runs (or last ran) the volume's
   * backend work. Every replica shares the volume folder, so whichever takes an operation records
   * itself here, and settles what it left half-done when it starts again; once its service is
   * down, another process takes the volume over by writing itself here.
   */
  @Column({ type: 'varchar', length: 255 })
  host: string;

  /** raw or qcow2: how the backend keeps the data and how a host must open it. */
  @Column({ type: 'varchar', length: 16 })
  format: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'launched_at', type: 'datetime', precision: 3, nullable: true })
  launchedAt: Date | null;
}

@Entity('volume_metadata')
export class VolumeMetadataEntity {
  @PrimaryColumn({ name: 'volume_id', type: 'varchar', length: 36 })
  volumeId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;
}

/** Cinder's admin metadata: `readonly` and `attached_mode`, shown to users inside `metadata`. */
@Entity('volume_admin_metadata')
export class VolumeAdminMetadataEntity {
  @PrimaryColumn({ name: 'volume_id', type: 'varchar', length: 36 })
  volumeId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;
}

/**
 * volume_image_metadata: the properties of the image a volume was made from, kept for the volume
 * and for its snapshots (a volume made from a snapshot inherits them). `resource_id` is either.
 */
@Entity('glance_metadata')
export class GlanceMetadataEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 36 })
  resourceId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}

@Entity('volume_attachment')
@Index('ix_volume_attachment_volume', ['volumeId'])
@Index('ix_volume_attachment_instance', ['instanceUuid'])
export class VolumeAttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'volume_id', type: 'varchar', length: 36 })
  volumeId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'instance_uuid', type: 'varchar', length: 36, nullable: true })
  instanceUuid: string | null;

  @Column({ name: 'attached_host', type: 'varchar', length: 255, nullable: true })
  attachedHost: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  mountpoint: string | null;

  /** reserved, attaching, attached, detached, error_attaching. */
  @Column({ name: 'attach_status', type: 'varchar', length: 32 })
  attachStatus: string;

  @Column({ name: 'attach_mode', type: 'varchar', length: 2 })
  attachMode: string;

  /** The host's connector as JSON, once one was given. */
  @Column({ type: 'text', nullable: true })
  connector: string | null;

  @Column({ name: 'connection_info', type: 'text', nullable: true })
  connectionInfo: string | null;

  @Column({ name: 'attach_time', type: 'datetime', precision: 3, nullable: true })
  attachTime: Date | null;

  @Column({ name: 'detach_time', type: 'datetime', precision: 3, nullable: true })
  detachTime: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

@Entity('snapshot')
@Index('ix_snapshot_project_created', ['projectId', 'createdAt'])
@Index('ix_snapshot_volume', ['volumeId'])
@Index('ix_snapshot_host_status', ['host', 'status'])
@Index('ix_snapshot_status', ['status'])
export class SnapshotEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'volume_id', type: 'varchar', length: 36 })
  volumeId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  /** creating, available, deleting, error, error_deleting, restoring. */
  @Column({ type: 'varchar', length: 32 })
  status: string;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'varchar', length: 8 })
  progress: string;

  @Column({ name: 'volume_type_id', type: 'varchar', length: 36 })
  volumeTypeId: string;

  @Column({ type: 'varchar', length: 16 })
  format: string;

  /** The service that runs (or last ran) the snapshot's backend work, as for volumes. */
  @Column({ type: 'varchar', length: 255 })
  host: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

@Entity('snapshot_metadata')
export class SnapshotMetadataEntity {
  @PrimaryColumn({ name: 'snapshot_id', type: 'varchar', length: 36 })
  snapshotId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;
}

@Entity('volume_type')
@Index('ux_volume_type_name', ['name'], { unique: true })
export class VolumeTypeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  @Column({ name: 'is_public', type: 'boolean' })
  isPublic: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

@Entity('volume_type_extra_spec')
export class VolumeTypeExtraSpecEntity {
  @PrimaryColumn({ name: 'volume_type_id', type: 'varchar', length: 36 })
  volumeTypeId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;
}

/** The projects a private volume type is shared with. */
@Entity('volume_type_project')
@Index('ix_volume_type_project_project', ['projectId'])
export class VolumeTypeProjectEntity {
  @PrimaryColumn({ name: 'volume_type_id', type: 'varchar', length: 36 })
  volumeTypeId: string;

  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;
}

/** A project's default volume type (3.62), overriding the configured one. */
@Entity('default_volume_type')
export class DefaultVolumeTypeEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'volume_type_id', type: 'varchar', length: 36 })
  volumeTypeId: string;
}

/** A project's limit for one resource (volumes, gigabytes, snapshots, volumes_<type>, ...). */
@Entity('quota')
export class QuotaEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 300 })
  resource: string;

  @Column({ name: 'hard_limit', type: 'int' })
  hardLimit: number;
}

/** Limits of a quota class; the `default` class overrides the configured defaults. */
@Entity('quota_class')
export class QuotaClassEntity {
  @PrimaryColumn({ name: 'class_name', type: 'varchar', length: 255 })
  className: string;

  @PrimaryColumn({ type: 'varchar', length: 300 })
  resource: string;

  @Column({ name: 'hard_limit', type: 'int' })
  hardLimit: number;
}

/**
 * One row per project, locked (SELECT ... FOR UPDATE) by every transaction that checks and consumes
 * that project's quota, so replicas counting usage at the same moment never both take the last unit.
 */
@Entity('quota_lock')
export class QuotaLockEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;
}

/** Cinder's user messages (3.3): why an asynchronous operation failed, for the project to read. */
@Entity('message')
@Index('ix_message_project_created', ['projectId', 'createdAt'])
@Index('ix_message_expires', ['expiresAt'])
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'request_id', type: 'varchar', length: 255 })
  requestId: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 36 })
  resourceType: string;

  @Column({ name: 'resource_uuid', type: 'varchar', length: 36, nullable: true })
  resourceUuid: string | null;

  @Column({ name: 'event_id', type: 'varchar', length: 255 })
  eventId: string;

  @Column({ name: 'message_level', type: 'varchar', length: 255 })
  messageLevel: string;

  @Column({ name: 'user_message', type: 'text' })
  userMessage: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}

/**
 * A volume backup kept as chunked objects in the owner's object storage account (Cinder's Swift
 * backup driver). An incremental backup stores only the chunks that changed since its parent and
 * names the parent's objects for the rest, so a parent cannot go while a child depends on it.
 */
@Entity('backup')
@Index('ix_backup_project_created', ['projectId', 'createdAt'])
@Index('ix_backup_volume', ['volumeId'])
@Index('ix_backup_parent', ['parentId'])
@Index('ix_backup_host_status', ['host', 'status'])
@Index('ix_backup_status', ['status'])
export class BackupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 255 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'volume_id', type: 'varchar', length: 36 })
  volumeId: string;

  @Column({ name: 'snapshot_id', type: 'varchar', length: 36, nullable: true })
  snapshotId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  /** creating, available, deleting, error, restoring. */
  @Column({ type: 'varchar', length: 32 })
  status: string;

  @Column({ name: 'fail_reason', type: 'varchar', length: 255, nullable: true })
  failReason: string | null;

  /** GiB: the size of the volume it was taken from. */
  @Column({ type: 'int' })
  size: number;

  /** Objects this backup wrote (its chunks and its metadata object). */
  @Column({ name: 'object_count', type: 'int' })
  objectCount: number;

  @Column({ type: 'varchar', length: 255 })
  container: string;

  @Column({ name: 'availability_zone', type: 'varchar', length: 255 })
  availabilityZone: string;

  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId: string | null;

  /** The name prefix of this backup's objects in the container. */
  @Column({ name: 'object_prefix', type: 'varchar', length: 255 })
  objectPrefix: string;

  /** When the data was taken: the snapshot's creation for a backup of a snapshot. */
  @Column({ name: 'data_timestamp', type: 'datetime', precision: 3 })
  dataTimestamp: Date;

  /** The service running (or that last ran) the backup's work, which settles it after a crash. */
  @Column({ type: 'varchar', length: 255 })
  host: string;

  /** The volume a restore in progress writes into. */
  @Column({ name: 'restore_volume_id', type: 'varchar', length: 36, nullable: true })
  restoreVolumeId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** Backup metadata (3.43). */
@Entity('backup_metadata')
export class BackupMetadataEntity {
  @PrimaryColumn({ name: 'backup_id', type: 'varchar', length: 36 })
  backupId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;
}

/**
 * Cinder's services table: each process's scheduler (`<host>`) and volume service
 * (`<host>@<backend>`), with the time of its last heartbeat.
 */
@Entity('service')
export class ServiceEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  host: string;

  /** cinder-scheduler or cinder-volume. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  binary: string;

  @Column({ name: 'availability_zone', type: 'varchar', length: 255 })
  availabilityZone: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** The last heartbeat. */
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

export const BLOCK_STORAGE_ENTITIES = [
  VolumeEntity,
  VolumeMetadataEntity,
  VolumeAdminMetadataEntity,
  GlanceMetadataEntity,
  VolumeAttachmentEntity,
  SnapshotEntity,
  SnapshotMetadataEntity,
  VolumeTypeEntity,
  VolumeTypeExtraSpecEntity,
  VolumeTypeProjectEntity,
  DefaultVolumeTypeEntity,
  QuotaEntity,
  QuotaClassEntity,
  QuotaLockEntity,
  MessageEntity,
  BackupEntity,
  BackupMetadataEntity,
  ServiceEntity,
];
