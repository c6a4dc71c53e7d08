import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795740688826 implements MigrationInterface {
  name = 'InitialSchema1795740688826';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "volume" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(255) NOT NULL, "user_id" varchar(255) NOT NULL, "name" varchar(255), "description" varchar(255), "size" integer NOT NULL, "status" varchar(32) NOT NULL, "previous_status" varchar(32), "attach_status" varchar(32) NOT NULL, "migration_status" varchar(32), "availability_zone" varchar(255) NOT NULL, "volume_type_id" varchar(36) NOT NULL, "bootable" boolean NOT NULL, "multiattach" boolean NOT NULL, "source_volid" varchar(36), "snapshot_id" varchar(36), "host" varchar(255) NOT NULL, "format" varchar(16) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL, "launched_at" datetime(3))',
    );
    await queryRunner.query('CREATE INDEX "ix_volume_host_status" ON "volume" ("host", "status") ');
    await queryRunner.query('CREATE INDEX "ix_volume_status" ON "volume" ("status") ');
    await queryRunner.query(
      'CREATE INDEX "ix_volume_project_created" ON "volume" ("project_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "volume_metadata" ("volume_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("volume_id", "key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "volume_admin_metadata" ("volume_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("volume_id", "key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "glance_metadata" ("resource_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" text NOT NULL, PRIMARY KEY ("resource_id", "key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "volume_attachment" ("id" varchar(36) PRIMARY KEY NOT NULL, "volume_id" varchar(36) NOT NULL, "project_id" varchar(255) NOT NULL, "instance_uuid" varchar(36), "attached_host" varchar(255), "mountpoint" varchar(255), "attach_status" varchar(32) NOT NULL, "attach_mode" varchar(2) NOT NULL, "connector" text, "connection_info" text, "attach_time" datetime(3), "detach_time" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_volume_attachment_instance" ON "volume_attachment" ("instance_uuid") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_volume_attachment_volume" ON "volume_attachment" ("volume_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "snapshot" ("id" varchar(36) PRIMARY KEY NOT NULL, "volume_id" varchar(36) NOT NULL, "project_id" varchar(255) NOT NULL, "user_id" varchar(255) NOT NULL, "name" varchar(255), "description" varchar(255), "status" varchar(32) NOT NULL, "size" integer NOT NULL, "progress" varchar(8) NOT NULL, "volume_type_id" varchar(36) NOT NULL, "format" varchar(16) NOT NULL, "host" varchar(255) NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_snapshot_host_status" ON "snapshot" ("host", "status") ');
    await queryRunner.query('CREATE INDEX "ix_snapshot_volume" ON "snapshot" ("volume_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_snapshot_project_created" ON "snapshot" ("project_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "snapshot_metadata" ("snapshot_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("snapshot_id", "key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "volume_type" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255), "is_public" boolean NOT NULL, "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "ux_volume_type_name" ON "volume_type" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "volume_type_extra_spec" ("volume_type_id" varchar(36) NOT NULL, "key" varchar(255) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("volume_type_id", "key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "volume_type_project" ("volume_type_id" varchar(36) NOT NULL, "project_id" varchar(255) NOT NULL, PRIMARY KEY ("volume_type_id", "project_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_volume_type_project_project" ON "volume_type_project" ("project_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "default_volume_type" ("project_id" varchar(255) PRIMARY KEY NOT NULL, "volume_type_id" varchar(36) NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "quota" ("project_id" varchar(255) NOT NULL, "resource" varchar(300) NOT NULL, "hard_limit" integer NOT NULL, PRIMARY KEY ("project_id", "resource"))',
    );
    await queryRunner.query(
      'CREATE TABLE "quota_class" ("class_name" varchar(255) NOT NULL, "resource" varchar(300) NOT NULL, "hard_limit" integer NOT NULL, PRIMARY KEY ("class_name", "resource"))',
    );
    await queryRunner.query('CREATE TABLE "quota_lock" ("project_id" varchar(255) PRIMARY KEY NOT NULL)');
    await queryRunner.query(
      'CREATE TABLE "message" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(255) NOT NULL, "request_id" varchar(255) NOT NULL, "resource_type" varchar(36) NOT NULL, "resource_uuid" varchar(36), "event_id" varchar(255) NOT NULL, "message_level" varchar(255) NOT NULL, "user_message" text NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_message_expires" ON "message" ("expires_at") ');
    await queryRunner.query(
      'CREATE INDEX "ix_message_project_created" ON "message" ("project_id", "created_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_message_project_created"');
    await queryRunner.query('DROP INDEX "ix_message_expires"');
    await queryRunner.query('DROP TABLE "message"');
    await queryRunner.query('DROP TABLE "quota_lock"');
    await queryRunner.query('DROP TABLE "quota_class"');
    await queryRunner.query('DROP TABLE "quota"');
    await queryRunner.query('DROP TABLE "default_volume_type"');
    await queryRunner.query('DROP INDEX "ix_volume_type_project_project"');
    await queryRunner.query('DROP TABLE "volume_type_project"');
    await queryRunner.query('DROP TABLE "volume_type_extra_spec"');
    await queryRunner.query('DROP INDEX "ux_volume_type_name"');
    await queryRunner.query('DROP TABLE "volume_type"');
    await queryRunner.query('DROP TABLE "snapshot_metadata"');
    await queryRunner.query('DROP INDEX "ix_snapshot_project_created"');
    await queryRunner.query('DROP INDEX "ix_snapshot_volume"');
    await queryRunner.query('DROP INDEX "ix_snapshot_host_status"');
    await queryRunner.query('DROP TABLE "snapshot"');
    await queryRunner.query('DROP INDEX "ix_volume_attachment_volume"');
    await queryRunner.query('DROP INDEX "ix_volume_attachment_instance"');
    await queryRunner.query('DROP TABLE "volume_attachment"');
    await queryRunner.query('DROP TABLE "glance_metadata"');
    await queryRunner.query('DROP TABLE "volume_admin_metadata"');
    await queryRunner.query('DROP TABLE "volume_metadata"');
    await queryRunner.query('DROP INDEX "ix_volume_project_created"');
    await queryRunner.query('DROP INDEX "ix_volume_status"');
    await queryRunner.query('DROP INDEX "ix_volume_host_status"');
    await queryRunner.query('DROP TABLE "volume"');
  }
}
