import { MigrationInterface, QueryRunner } from 'typeorm';

export class BlockDevices1795745244942 implements MigrationInterface {
  name = 'BlockDevices1795745244942';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_instance_project"');
    await queryRunner.query('DROP INDEX "ix_instance_deadline"');
    await queryRunner.query('DROP INDEX "ix_instance_server_group"');
    await queryRunner.query('DROP INDEX "ix_instance_host"');
    await queryRunner.query('DROP INDEX "uq_instance_uuid"');
    await queryRunner.query(
      'CREATE TABLE "temporary_instance" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "uuid" varchar(36) NOT NULL, "display_name" varchar(255) NOT NULL, "description" text, "project_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, "image_ref" varchar(36) NOT NULL, "image_properties" text NOT NULL, "image_spec" text, "kernel_boot" text, "flavor" text NOT NULL, "old_flavor" text, "key_name" varchar(255), "key_data" text, "user_data" text, "metadata" text NOT NULL, "tags" text NOT NULL, "security_groups" text NOT NULL, "requested_networks" text NOT NULL, "vifs" text NOT NULL, "vm_state" varchar(32) NOT NULL, "task_state" varchar(32), "power_state" integer NOT NULL, "host" varchar(255), "node" varchar(255), "availability_zone" varchar(255), "launched_at" datetime, "terminated_at" datetime, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "deleted" boolean NOT NULL, "deleted_at" datetime, "locked" boolean NOT NULL, "locked_by" varchar(8), "hostname" varchar(255) NOT NULL, "reservation_id" varchar(16) NOT NULL, "launch_index" integer NOT NULL, "config_drive" varchar(8) NOT NULL, "access_ip_v4" varchar(64), "access_ip_v6" varchar(64), "disk_config" varchar(8) NOT NULL, "server_group_id" varchar(36), "scheduler_hints" text NOT NULL, "pending_operation" varchar(16), "operation_deadline" datetime, "build_attempts" integer NOT NULL, "tried_hosts" text NOT NULL, "alternates" text NOT NULL, "operation_token" text, "last_event_at" varchar(40), "fault" text, "block_devices" text)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_instance"("id", "uuid", "display_name", "description", "project_id", "user_id", "image_ref", "image_properties", "image_spec", "kernel_boot", "flavor", "old_flavor", "key_name", "key_data", "user_data", "metadata", "tags", "security_groups", "requested_networks", "vifs", "vm_state", "task_state", "power_state", "host", "node", "availability_zone", "launched_at", "terminated_at", "created_at", "updated_at", "deleted", "deleted_at", "locked", "locked_by", "hostname", "reservation_id", "launch_index", "config_drive", "access_ip_v4", "access_ip_v6", "disk_config", "server_group_id", "scheduler_hints", "pending_operation", "operation_deadline", "build_attempts", "tried_hosts", "alternates", "operation_token", "last_event_at", "fault") SELECT "id", "uuid", "display_name", "description", "project_id", "user_id", "image_ref", "image_properties", "image_spec", "kernel_boot", "flavor", "old_flavor", "key_name", "key_data", "user_data", "metadata", "tags", "security_groups", "requested_networks", "vifs", "vm_state", "task_state", "power_state", "host", "node", "availability_zone", "launched_at", "terminated_at", "created_at", "updated_at", "deleted", "deleted_at", "locked", "locked_by", "hostname", "reservation_id", "launch_index", "config_drive", "access_ip_v4", "access_ip_v6", "disk_config", "server_group_id", "scheduler_hints", "pending_operation", "operation_deadline", "build_attempts", "tried_hosts", "alternates", "operation_token", "last_event_at", "fault" FROM "instance"',
    );
    await queryRunner.query('DROP TABLE "instance"');
    await queryRunner.query('ALTER TABLE "temporary_instance" RENAME TO "instance"');
    await queryRunner.query('CREATE INDEX "ix_instance_project" ON "instance" ("project_id", "deleted") ');
    await queryRunner.query('CREATE INDEX "ix_instance_deadline" ON "instance" ("operation_deadline") ');
    await queryRunner.query('CREATE INDEX "ix_instance_server_group" ON "instance" ("server_group_id") ');
    await queryRunner.query('CREATE INDEX "ix_instance_host" ON "instance" ("host") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_instance_uuid" ON "instance" ("uuid") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_instance_uuid"');
    await queryRunner.query('DROP INDEX "ix_instance_host"');
    await queryRunner.query('DROP INDEX "ix_instance_server_group"');
    await queryRunner.query('DROP INDEX "ix_instance_deadline"');
    await queryRunner.query('DROP INDEX "ix_instance_project"');
    await queryRunner.query('ALTER TABLE "instance" RENAME TO "temporary_instance"');
    await queryRunner.query(
      'CREATE TABLE "instance" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "uuid" varchar(36) NOT NULL, "display_name" varchar(255) NOT NULL, "description" text, "project_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, "image_ref" varchar(36) NOT NULL, "image_properties" text NOT NULL, "image_spec" text, "kernel_boot" text, "flavor" text NOT NULL, "old_flavor" text, "key_name" varchar(255), "key_data" text, "user_data" text, "metadata" text NOT NULL, "tags" text NOT NULL, "security_groups" text NOT NULL, "requested_networks" text NOT NULL, "vifs" text NOT NULL, "vm_state" varchar(32) NOT NULL, "task_state" varchar(32), "power_state" integer NOT NULL, "host" varchar(255), "node" varchar(255), "availability_zone" varchar(255), "launched_at" datetime, "terminated_at" datetime, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "deleted" boolean NOT NULL, "deleted_at" datetime, "locked" boolean NOT NULL, "locked_by" varchar(8), "hostname" varchar(255) NOT NULL, "reservation_id" varchar(16) NOT NULL, "launch_index" integer NOT NULL, "config_drive" varchar(8) NOT NULL, "access_ip_v4" varchar(64), "access_ip_v6" varchar(64), "disk_config" varchar(8) NOT NULL, "server_group_id" varchar(36), "scheduler_hints" text NOT NULL, "pending_operation" varchar(16), "operation_deadline" datetime, "build_attempts" integer NOT NULL, "tried_hosts" text NOT NULL, "alternates" text NOT NULL, "operation_token" text, "last_event_at" varchar(40), "fault" text)',
    );
    await queryRunner.query(
      'INSERT INTO "instance"("id", "uuid", "display_name", "description", "project_id", "user_id", "image_ref", "image_properties", "image_spec", "kernel_boot", "flavor", "old_flavor", "key_name", "key_data", "user_data", "metadata", "tags", "security_groups", "requested_networks", "vifs", "vm_state", "task_state", "power_state", "host", "node", "availability_zone", "launched_at", "terminated_at", "created_at", "updated_at", "deleted", "deleted_at", "locked", "locked_by", "hostname", "reservation_id", "launch_index", "config_drive", "access_ip_v4", "access_ip_v6", "disk_config", "server_group_id", "scheduler_hints", "pending_operation", "operation_deadline", "build_attempts", "tried_hosts", "alternates", "operation_token", "last_event_at", "fault") SELECT "id", "uuid", "display_name", "description", "project_id", "user_id", "image_ref", "image_properties", "image_spec", "kernel_boot", "flavor", "old_flavor", "key_name", "key_data", "user_data", "metadata", "tags", "security_groups", "requested_networks", "vifs", "vm_state", "task_state", "power_state", "host", "node", "availability_zone", "launched_at", "terminated_at", "created_at", "updated_at", "deleted", "deleted_at", "locked", "locked_by", "hostname", "reservation_id", "launch_index", "config_drive", "access_ip_v4", "access_ip_v6", "disk_config", "server_group_id", "scheduler_hints", "pending_operation", "operation_deadline", "build_attempts", "tried_hosts", "alternates", "operation_token", "last_event_at", "fault" FROM "temporary_instance"',
    );
    await queryRunner.query('DROP TABLE "temporary_instance"');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_instance_uuid" ON "instance" ("uuid") ');
    await queryRunner.query('CREATE INDEX "ix_instance_host" ON "instance" ("host") ');
    await queryRunner.query('CREATE INDEX "ix_instance_server_group" ON "instance" ("server_group_id") ');
    await queryRunner.query('CREATE INDEX "ix_instance_deadline" ON "instance" ("operation_deadline") ');
    await queryRunner.query('CREATE INDEX "ix_instance_project" ON "instance" ("project_id", "deleted") ');
  }
}
