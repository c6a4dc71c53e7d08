import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The ids os-services and os-hypervisors show for a host: integers before 2.53, uuids from it.
 * Assigned the first time compute-api sees the host, so they stay stable.
 */
@Entity('compute_host')
export class ComputeHostEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_compute_host_host', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  host: string;

  @Index('uq_compute_host_uuid', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  uuid: string;
}
