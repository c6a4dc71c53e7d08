import type { ServerGroupPolicy } from '@stratus/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('server_group')
export class ServerGroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Index('ix_server_group_project')
  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  policy: ServerGroupPolicy;

  /** max_server_per_host for anti-affinity (Nova's rules). */
  @Column({ type: 'simple-json' })
  rules: Record<string, number>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
