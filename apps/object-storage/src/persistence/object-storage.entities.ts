import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  ValueTransformer,
} from 'typeorm';

/** mysql2 returns BIGINT as a string; sizes, counts and microsecond timestamps fit a JS number. */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * Names are ordered and looked up by `name_key`: the hex of the name's UTF-8 bytes. Hex sorts as
 * the bytes do (Swift lists in byte order), and as ASCII it fits MySQL's 3072-byte index limit
 * where a 1024-byte name in utf8mb4 (four bytes a character) would not.
 */
const NAME_KEY = { type: 'varchar', charset: 'ascii' } as const;

/** An account (AUTH_<project id>): created when it first gets a container or metadata. */
@Entity('swift_account')
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 256 })
  name: string;

  /** X-Account-Meta-* as JSON: lower-case name without the prefix, to value. */
  @Column({ type: 'text' })
  metadata: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt: number;
}

@Entity('swift_container')
@Index('ux_swift_container_account_name', ['account', 'nameKey'], { unique: true })
export class ContainerEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 256 })
  account: string;

  @Column({ ...NAME_KEY, name: 'name_key', length: 512 })
  nameKey: string;

  @Column({ type: 'varchar', length: 256 })
  name: string;

  /** X-Container-Meta-* as JSON (quotas and temp URL keys are metadata too, as in Swift). */
  @Column({ type: 'text' })
  metadata: string;

  @Column({ name: 'read_acl', type: 'text', nullable: true })
  readAcl: string | null;

  @Column({ name: 'write_acl', type: 'text', nullable: true })
  writeAcl: string | null;

  /** The container old versions go to (X-Versions-Location or X-History-Location). */
  @Column({ name: 'versions_location', type: 'varchar', length: 256, nullable: true })
  versionsLocation: string | null;

  /** 'stack' (X-Versions-Location) or 'history' (X-History-Location). */
  @Column({ name: 'versions_mode', type: 'varchar', length: 8, nullable: true })
  versionsMode: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt: number;
}

/**
 * A container's object count and bytes, split over a few rows: each write adds to one picked at
 * random, so concurrent uploads into one container do not queue on a single row lock.
 */
@Entity('swift_container_stat')
export class ContainerStatEntity {
  @PrimaryColumn({ name: 'container_id', type: 'int' })
  containerId: number;

  /** The counters go with their container. */
  @ManyToOne(() => ContainerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'container_id' })
  container?: ContainerEntity;

  @PrimaryColumn({ type: 'smallint' })
  shard: number;

  @Column({ name: 'object_count', type: 'bigint', transformer: bigintNumber })
  objectCount: number;

  @Column({ name: 'bytes_used', type: 'bigint', transformer: bigintNumber })
  bytesUsed: number;
}

@Entity('swift_object')
@Index('ix_swift_object_delete_at', ['deleteAt'])
@Index('ux_swift_object_data_key', ['dataKey'], { unique: true })
export class ObjectEntity {
  @PrimaryColumn({ name: 'container_id', type: 'int' })
  containerId: number;

  /**
   * A container with objects cannot be deleted, and an object cannot be added to a container
   * being deleted: the database's own check, so concurrent writers need no extra lock for it.
   */
  @ManyToOne(() => ContainerEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'container_id' })
  container?: ContainerEntity;

  @PrimaryColumn({ ...NAME_KEY, name: 'name_key', length: 2048 })
  nameKey: string;

  @Column({ type: 'varchar', length: 1024 })
  name: string;

  /** Where the bytes are in the data store. */
  @Column({ name: 'data_key', type: 'varchar', length: 64 })
  dataKey: string;

  /** Bytes stored (for a static large object, its manifest). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  /** md5 of the stored bytes. */
  @Column({ type: 'varchar', length: 32 })
  etag: string;

  @Column({ name: 'content_type', type: 'varchar', length: 1024 })
  contentType: string;

  /** X-Timestamp in microseconds: the last PUT or POST. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  timestamp: number;

  /** X-Delete-At, seconds since the epoch. */
  @Column({ name: 'delete_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  deleteAt: number | null;

  /** X-Object-Meta-* as JSON: lower-case name without the prefix, to value. */
  @Column({ type: 'text' })
  metadata: string;

  /** Content-Disposition, Content-Encoding and the other headers Swift keeps, as JSON. */
  @Column({ type: 'text' })
  headers: string;

  /** X-Object-Manifest of a dynamic large object: "<container>/<prefix>", decoded. */
  @Column({ name: 'dlo_manifest', type: 'text', nullable: true })
  dloManifest: string | null;

  /** Set for a static large object: md5 of its segments' etags, and their total size. */
  @Column({ name: 'slo_etag', type: 'varchar', length: 32, nullable: true })
  sloEtag: string | null;

  @Column({ name: 'slo_size', type: 'bigint', nullable: true, transformer: bigintNumber })
  sloSize: number | null;
}

/**
 * Data keys whose bytes may exist in the store without an object naming them: written and not yet
 * committed, or replaced and not yet deleted. The node that wrote or replaced them settles each
 * entry when done, or at its next start after a crash: a key an object names is kept, any other
 * is deleted, so the store never keeps unreferenced data.
 */
@Entity('swift_data_journal')
@Index('ix_swift_data_journal_node', ['node'])
@Index('ix_swift_data_journal_created_at', ['createdAt'])
export class DataJournalEntity {
  @PrimaryColumn({ name: 'data_key', type: 'varchar', length: 64 })
  dataKey: string;

  @Column({ type: 'varchar', length: 255 })
  node: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}

export const OBJECT_STORAGE_ENTITIES = [
  AccountEntity,
  ContainerEntity,
  ContainerStatEntity,
  ObjectEntity,
  DataJournalEntity,
];
