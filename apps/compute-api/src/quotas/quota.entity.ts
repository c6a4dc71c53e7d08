import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A project's limit for one resource, where it differs from the default. */
@Entity('quota')
export class QuotaEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  resource: string;

  @Column({ name: 'hard_limit', type: 'int' })
  hardLimit: number;
}
