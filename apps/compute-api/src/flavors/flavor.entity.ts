import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('flavor')
export class FlavorEntity {
  /** Nova's flavorid: the id clients see, a string. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Index('uq_flavor_name', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'memory_mb', type: 'int' })
  memoryMb: number;

  @Column({ type: 'int' })
  vcpus: number;

  @Column({ name: 'root_gb', type: 'int' })
  rootGb: number;

  @Column({ name: 'ephemeral_gb', type: 'int' })
  ephemeralGb: number;

  /** MB, 0 for none. */
  @Column({ type: 'int' })
  swap: number;

  @Column({ name: 'rxtx_factor', type: 'float' })
  rxtxFactor: number;

  @Column({ name: 'is_public', type: 'boolean' })
  isPublic: boolean;

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'extra_specs', type: 'simple-json' })
  extraSpecs: Record<string, string>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}

/** A project allowed to use a private flavor. */
@Entity('flavor_project')
export class FlavorProjectEntity {
  @PrimaryColumn({ name: 'flavor_id', type: 'varchar', length: 255 })
  flavorId: string;

  @Index('ix_flavor_project_project')
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;
}
