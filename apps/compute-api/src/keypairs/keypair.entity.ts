import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type KeypairType = 'ssh' | 'x509';

/** Key pairs belong to a user, not a project: Nova names them per user. */
@Entity('key_pair')
@Index('uq_key_pair_user_name', ['userId', 'name'], { unique: true })
export class KeypairEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 8 })
  type: KeypairType;

  @Column({ type: 'varchar', length: 255 })
  fingerprint: string;

  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
