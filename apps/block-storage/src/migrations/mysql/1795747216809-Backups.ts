import { MigrationInterface, QueryRunner } from 'typeorm';

export class Backups1795747216809 implements MigrationInterface {
  name = 'Backups1795747216809';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `backup` (`id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, `user_id` varchar(255) NOT NULL, `volume_id` varchar(36) NOT NULL, `snapshot_id` varchar(36) NULL, `name` varchar(255) NULL, `description` varchar(255) NULL, `status` varchar(32) NOT NULL, `fail_reason` varchar(255) NULL, `size` int NOT NULL, `object_count` int NOT NULL, `container` varchar(255) NOT NULL, `availability_zone` varchar(255) NOT NULL, `parent_id` varchar(36) NULL, `object_prefix` varchar(255) NOT NULL, `data_timestamp` datetime(3) NOT NULL, `host` varchar(255) NOT NULL, `restore_volume_id` varchar(36) NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, INDEX `ix_backup_host_status` (`host`, `status`), INDEX `ix_backup_parent` (`parent_id`), INDEX `ix_backup_volume` (`volume_id`), INDEX `ix_backup_project_created` (`project_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `backup_metadata` (`backup_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`backup_id`, `key`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `backup_metadata`');
    await queryRunner.query('DROP INDEX `ix_backup_project_created` ON `backup`');
    await queryRunner.query('DROP INDEX `ix_backup_volume` ON `backup`');
    await queryRunner.query('DROP INDEX `ix_backup_parent` ON `backup`');
    await queryRunner.query('DROP INDEX `ix_backup_host_status` ON `backup`');
    await queryRunner.query('DROP TABLE `backup`');
  }
}
