import { MigrationInterface, QueryRunner } from 'typeorm';

export class ServiceHeartbeats1795748455094 implements MigrationInterface {
  name = 'ServiceHeartbeats1795748455094';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `service` (`host` varchar(255) NOT NULL, `binary` varchar(64) NOT NULL, `availability_zone` varchar(255) NOT NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, PRIMARY KEY (`host`, `binary`)) ENGINE=InnoDB',
    );
    await queryRunner.query('CREATE INDEX `ix_snapshot_status` ON `snapshot` (`status`)');
    await queryRunner.query('CREATE INDEX `ix_backup_status` ON `backup` (`status`)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_backup_status` ON `backup`');
    await queryRunner.query('DROP INDEX `ix_snapshot_status` ON `snapshot`');
    await queryRunner.query('DROP TABLE `service`');
  }
}
