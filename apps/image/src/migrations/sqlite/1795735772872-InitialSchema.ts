import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795735772872 implements MigrationInterface {
  name = 'InitialSchema1795735772872';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "image" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255), "status" varchar(30) NOT NULL, "visibility" varchar(9) NOT NULL, "owner" varchar(255), "size" bigint, "virtual_size" bigint, "checksum" varchar(32), "os_hash_algo" varchar(64), "os_hash_value" varchar(128), "disk_format" varchar(20), "container_format" varchar(20), "min_disk" integer NOT NULL, "min_ram" integer NOT NULL, "protected" boolean NOT NULL, "os_hidden" boolean NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "location" text)',
    );
    await queryRunner.query('CREATE INDEX "ix_image_status" ON "image" ("status") ');
    await queryRunner.query('CREATE INDEX "ix_image_updated_at" ON "image" ("updated_at") ');
    await queryRunner.query('CREATE INDEX "ix_image_created_at_id" ON "image" ("created_at", "id") ');
    await queryRunner.query('CREATE INDEX "ix_image_owner" ON "image" ("owner") ');
    await queryRunner.query(
      'CREATE TABLE "image_property" ("image_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "value" text NOT NULL, PRIMARY KEY ("image_id", "name"))',
    );
    await queryRunner.query(
      'CREATE TABLE "image_tag" ("image_id" varchar(36) NOT NULL, "value" varchar(255) NOT NULL, PRIMARY KEY ("image_id", "value"))',
    );
    await queryRunner.query(
      'CREATE TABLE "image_member" ("image_id" varchar(36) NOT NULL, "member_id" varchar(255) NOT NULL, "status" varchar(20) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, PRIMARY KEY ("image_id", "member_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_image_member_member" ON "image_member" ("member_id") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_image_member_member"');
    await queryRunner.query('DROP TABLE "image_member"');
    await queryRunner.query('DROP TABLE "image_tag"');
    await queryRunner.query('DROP TABLE "image_property"');
    await queryRunner.query('DROP INDEX "ix_image_owner"');
    await queryRunner.query('DROP INDEX "ix_image_created_at_id"');
    await queryRunner.query('DROP INDEX "ix_image_updated_at"');
    await queryRunner.query('DROP INDEX "ix_image_status"');
    await queryRunner.query('DROP TABLE "image"');
  }
}
