import { MigrationInterface, QueryRunner } from 'typeorm';

export class Backups1795747216809 implements MigrationInterface {
  name = 'Backups1795747216809';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "backup" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(255) NOT NULL, "user_id" varchar(255) NOT NULL, "volume_id" varchar(36) NOT NULL, "snapshot_id" varchar(36), "name" varchar(255), "description" varchar(255), "status" varchar(32) NOT NULL, "fail_reason" varchar(255), "size" integer NOT NULL, "object_count" integer NOT NULL, "container" varchar(255) NOT NULL, "availability_zone" varchar(255) NOT NULL, "parent_id" varchar(36), "object_prefix" varchar(255) NOT NULL, "data_timestamp" datetime(3) NOT NULL, "host" varchar(255) NOT NULL, "restore_volume_id" varchar(36), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_backup_host_status" ON "backup" ("host", "status") ');
    await queryRunner.query('CREATE INDEX "ix_backup_parent" ON "backup" ("parent_id") ');
    await queryRunner.query('CREATE INDEX "ix_backup_volume" ON "backup" ("volume_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_backup_project_created" ON "backup" ("project_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "backup_metadata" ("backup_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("backup_id", "key"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "backup_metadata"');
    await queryRunner.query('DROP INDEX "ix_backup_project_created"');
    await queryRunner.query('DROP INDEX "ix_backup_volume"');
    await queryRunner.query('DROP INDEX "ix_backup_parent"');
    await queryRunner.query('DROP INDEX "ix_backup_host_status"');
    await queryRunner.query('DROP TABLE "backup"');
  }
}
