import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';

/** mysql2 returns BIGINT as a string; image sizes fit a JS number (2^53 bytes is 8 PiB). */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

@Entity('image')
@Index('ix_image_owner', ['owner'])
@Index('ix_image_created_at_id', ['createdAt', 'id'])
@Index('ix_image_updated_at', ['updatedAt'])
@Index('ix_image_status', ['status'])
export class ImageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  /** queued, saving, active, killed, deleted, uploading, importing, pending_delete, deactivated. */
  @Column({ type: 'varchar', length: 30 })
  status: string;

  @Column({ type: 'varchar', length: 9 })
  visibility: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  owner: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  size: number | null;

  @Column({ name: 'virtual_size', type: 'bigint', nullable: true, transformer: bigintNumber })
  virtualSize: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  checksum: string | null;

  @Column({ name: 'os_hash_algo', type: 'varchar', length: 64, nullable: true })
  osHashAlgo: string | null;

  @Column({ name: 'os_hash_value', type: 'varchar', length: 128, nullable: true })
  osHashValue: string | null;

  @Column({ name: 'disk_format', type: 'varchar', length: 20, nullable: true })
  diskFormat: string | null;

  @Column({ name: 'container_format', type: 'varchar', length: 20, nullable: true })
  containerFormat: string | null;

  @Column({ name: 'min_disk', type: 'int' })
  minDisk: number;

  @Column({ name: 'min_ram', type: 'int' })
  minRam: number;

  @Column({ type: 'boolean' })
  protected: boolean;

  @Column({ name: 'os_hidden', type: 'boolean' })
  osHidden: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;

  /** Where the data is, as the store names it (file:///...); null until data is uploaded. */
  @Column({ type: 'text', nullable: true })
  location: string | null;

  /** The process (IMAGE_NODE_ID) saving or importing this image's data; null at rest. */
  @Column({ name: 'upload_owner', type: 'varchar', length: 255, nullable: true })
  uploadOwner: string | null;

  /** When that owner last showed it was still at it; others take the image back once stale. */
  @Column({ name: 'upload_heartbeat_at', type: 'datetime', nullable: true })
  uploadHeartbeatAt: Date | null;
}

/** Custom properties: everything not a base attribute (hw_*, os_distro, kernel_id, ...). */
@Entity('image_property')
export class ImagePropertyEntity {
  @PrimaryColumn({ name: 'image_id', type: 'varchar', length: 36 })
  imageId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text' })
  value: string;
}

@Entity('image_tag')
export class ImageTagEntity {
  @PrimaryColumn({ name: 'image_id', type: 'varchar', length: 36 })
  imageId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  value: string;
}

@Entity('image_member')
@Index('ix_image_member_member', ['memberId'])
export class ImageMemberEntity {
  @PrimaryColumn({ name: 'image_id', type: 'varchar', length: 36 })
  imageId: string;

  /** The consumer project. */
  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 255 })
  memberId: string;

  /** pending, accepted or rejected. */
  @Column({ type: 'varchar', length: 20 })
  status: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

export const IMAGE_ENTITIES = [ImageEntity, ImagePropertyEntity, ImageTagEntity, ImageMemberEntity];
