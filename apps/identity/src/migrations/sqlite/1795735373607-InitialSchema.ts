import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795735373607 implements MigrationInterface {
  name = 'InitialSchema1795735373607';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "domain" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "description" text, "enabled" boolean NOT NULL, "tags" text NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_domain_name" ON "domain" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "project" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "domain_id" varchar(64) NOT NULL, "parent_id" varchar(64), "description" text, "enabled" boolean NOT NULL, "tags" text NOT NULL, "extra" text NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_project_parent" ON "project" ("parent_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_project_domain_name" ON "project" ("domain_id", "name") ',
    );
    await queryRunner.query(
      'CREATE TABLE "user" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "domain_id" varchar(64) NOT NULL, "enabled" boolean NOT NULL, "password_hash" varchar(255), "default_project_id" varchar(64), "extra" text NOT NULL, "created_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_user_domain_name" ON "user" ("domain_id", "name") ');
    await queryRunner.query(
      'CREATE TABLE "group" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "domain_id" varchar(64) NOT NULL, "description" text)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_group_domain_name" ON "group" ("domain_id", "name") ');
    await queryRunner.query(
      'CREATE TABLE "group_membership" ("group_id" varchar(64) NOT NULL, "user_id" varchar(64) NOT NULL, PRIMARY KEY ("group_id", "user_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_group_membership_user" ON "group_membership" ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "role" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "domain_id" varchar(64) NOT NULL, "description" text)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_role_domain_name" ON "role" ("domain_id", "name") ');
    await queryRunner.query(
      'CREATE TABLE "role_assignment" ("actor_type" varchar(8) NOT NULL, "actor_id" varchar(64) NOT NULL, "target_type" varchar(8) NOT NULL, "target_id" varchar(64) NOT NULL, "role_id" varchar(64) NOT NULL, "inherited" boolean NOT NULL, PRIMARY KEY ("actor_type", "actor_id", "target_type", "target_id", "role_id", "inherited"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_assignment_target" ON "role_assignment" ("target_type", "target_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "region" ("id" varchar(255) PRIMARY KEY NOT NULL, "description" text, "parent_region_id" varchar(255))',
    );
    await queryRunner.query(
      'CREATE TABLE "service" ("id" varchar(64) PRIMARY KEY NOT NULL, "type" varchar(255) NOT NULL, "name" varchar(255), "description" text, "enabled" boolean NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "endpoint" ("id" varchar(64) PRIMARY KEY NOT NULL, "service_id" varchar(64) NOT NULL, "region_id" varchar(255), "interface" varchar(8) NOT NULL, "url" text NOT NULL, "enabled" boolean NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_endpoint_service" ON "endpoint" ("service_id") ');
    await queryRunner.query(
      'CREATE TABLE "application_credential" ("id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "user_id" varchar(64) NOT NULL, "project_id" varchar(64) NOT NULL, "secret_hash" varchar(255) NOT NULL, "description" text, "expires_at" datetime, "unrestricted" boolean NOT NULL, "roles" text NOT NULL)',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_app_cred_user_name" ON "application_credential" ("user_id", "name") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_app_cred_user_name"');
    await queryRunner.query('DROP TABLE "application_credential"');
    await queryRunner.query('DROP INDEX "ix_endpoint_service"');
    await queryRunner.query('DROP TABLE "endpoint"');
    await queryRunner.query('DROP TABLE "service"');
    await queryRunner.query('DROP TABLE "region"');
    await queryRunner.query('DROP INDEX "ix_assignment_target"');
    await queryRunner.query('DROP TABLE "role_assignment"');
    await queryRunner.query('DROP INDEX "uq_role_domain_name"');
    await queryRunner.query('DROP TABLE "role"');
    await queryRunner.query('DROP INDEX "ix_group_membership_user"');
    await queryRunner.query('DROP TABLE "group_membership"');
    await queryRunner.query('DROP INDEX "uq_group_domain_name"');
    await queryRunner.query('DROP TABLE "group"');
    await queryRunner.query('DROP INDEX "uq_user_domain_name"');
    await queryRunner.query('DROP TABLE "user"');
    await queryRunner.query('DROP INDEX "uq_project_domain_name"');
    await queryRunner.query('DROP INDEX "ix_project_parent"');
    await queryRunner.query('DROP TABLE "project"');
    await queryRunner.query('DROP INDEX "uq_domain_name"');
    await queryRunner.query('DROP TABLE "domain"');
  }
}
