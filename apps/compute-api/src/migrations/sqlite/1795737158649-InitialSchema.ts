import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795737158649 implements MigrationInterface {
  name = 'InitialSchema1795737158649';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "flavor" ("id" varchar(255) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "memory_mb" integer NOT NULL, "vcpus" integer NOT NULL, "root_gb" integer NOT NULL, "ephemeral_gb" integer NOT NULL, "swap" integer NOT NULL, "rxtx_factor" float NOT NULL, "is_public" boolean NOT NULL, "disabled" boolean NOT NULL, "description" text, "extra_specs" text NOT NULL, "created_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_flavor_name" ON "flavor" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "flavor_project" ("flavor_id" varchar(255) NOT NULL, "project_id" varchar(64) NOT NULL, PRIMARY KEY ("flavor_id", "project_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_flavor_project_project" ON "flavor_project" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "instance" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "uuid" varchar(36) NOT NULL, "display_name" varchar(255) NOT NULL, "description" text, "project_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, "image_ref" varchar(36) NOT NULL, "image_properties" text NOT NULL, "image_spec" text, "kernel_boot" text, "flavor" text NOT NULL, "old_flavor" text, "key_name" varchar(255), "key_data" text, "user_data" text, "metadata" text NOT NULL, "tags" text NOT NULL, "security_groups" text NOT NULL, "requested_networks" text NOT NULL, "vifs" text NOT NULL, "vm_state" varchar(32) NOT NULL, "task_state" varchar(32), "power_state" integer NOT NULL, "host" varchar(255), "node" varchar(255), "availability_zone" varchar(255), "launched_at" datetime, "terminated_at" datetime, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "deleted" boolean NOT NULL, "deleted_at" datetime, "locked" boolean NOT NULL, "locked_by" varchar(8), "hostname" varchar(255) NOT NULL, "reservation_id" varchar(16) NOT NULL, "launch_index" integer NOT NULL, "config_drive" varchar(8) NOT NULL, "access_ip_v4" varchar(64), "access_ip_v6" varchar(64), "disk_config" varchar(8) NOT NULL, "server_group_id" varchar(36), "scheduler_hints" text NOT NULL, "pending_operation" varchar(16), "operation_deadline" datetime, "build_attempts" integer NOT NULL, "tried_hosts" text NOT NULL, "alternates" text NOT NULL, "operation_token" text, "last_event_at" varchar(40), "fault" text)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_instance_uuid" ON "instance" ("uuid") ');
    await queryRunner.query('CREATE INDEX "ix_instance_host" ON "instance" ("host") ');
    await queryRunner.query('CREATE INDEX "ix_instance_server_group" ON "instance" ("server_group_id") ');
    await queryRunner.query('CREATE INDEX "ix_instance_deadline" ON "instance" ("operation_deadline") ');
    await queryRunner.query('CREATE INDEX "ix_instance_project" ON "instance" ("project_id", "deleted") ');
    await queryRunner.query(
      'CREATE TABLE "instance_action" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "request_id" varchar(64) NOT NULL, "instance_uuid" varchar(36) NOT NULL, "action" varchar(64) NOT NULL, "project_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, "start_time" datetime NOT NULL, "finish_time" datetime, "message" varchar(255), "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_instance_action_instance" ON "instance_action" ("instance_uuid", "start_time") ',
    );
    await queryRunner.query(
      'CREATE TABLE "instance_action_event" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "action_id" integer NOT NULL, "event" varchar(64) NOT NULL, "start_time" datetime NOT NULL, "finish_time" datetime, "result" varchar(16), "traceback" text, "host" varchar(255))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_instance_action_event_action" ON "instance_action_event" ("action_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "compute_host" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "host" varchar(255) NOT NULL, "uuid" varchar(36) NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_compute_host_host" ON "compute_host" ("host") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_compute_host_uuid" ON "compute_host" ("uuid") ');
    await queryRunner.query(
      'CREATE TABLE "key_pair" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" varchar(64) NOT NULL, "name" varchar(255) NOT NULL, "type" varchar(8) NOT NULL, "fingerprint" varchar(255) NOT NULL, "public_key" text NOT NULL, "created_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_key_pair_user_name" ON "key_pair" ("user_id", "name") ');
    await queryRunner.query(
      'CREATE TABLE "server_group" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "project_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, "policy" varchar(32) NOT NULL, "rules" text NOT NULL, "created_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_server_group_project" ON "server_group" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "quota" ("project_id" varchar(64) NOT NULL, "resource" varchar(64) NOT NULL, "hard_limit" integer NOT NULL, PRIMARY KEY ("project_id", "resource"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "quota"');
    await queryRunner.query('DROP INDEX "ix_server_group_project"');
    await queryRunner.query('DROP TABLE "server_group"');
    await queryRunner.query('DROP INDEX "uq_key_pair_user_name"');
    await queryRunner.query('DROP TABLE "key_pair"');
    await queryRunner.query('DROP INDEX "uq_compute_host_uuid"');
    await queryRunner.query('DROP INDEX "uq_compute_host_host"');
    await queryRunner.query('DROP TABLE "compute_host"');
    await queryRunner.query('DROP INDEX "ix_instance_action_event_action"');
    await queryRunner.query('DROP TABLE "instance_action_event"');
    await queryRunner.query('DROP INDEX "ix_instance_action_instance"');
    await queryRunner.query('DROP TABLE "instance_action"');
    await queryRunner.query('DROP INDEX "ix_instance_project"');
    await queryRunner.query('DROP INDEX "ix_instance_deadline"');
    await queryRunner.query('DROP INDEX "ix_instance_server_group"');
    await queryRunner.query('DROP INDEX "ix_instance_host"');
    await queryRunner.query('DROP INDEX "uq_instance_uuid"');
    await queryRunner.query('DROP TABLE "instance"');
    await queryRunner.query('DROP INDEX "ix_flavor_project_project"');
    await queryRunner.query('DROP TABLE "flavor_project"');
    await queryRunner.query('DROP INDEX "uq_flavor_name"');
    await queryRunner.query('DROP TABLE "flavor"');
  }
}
