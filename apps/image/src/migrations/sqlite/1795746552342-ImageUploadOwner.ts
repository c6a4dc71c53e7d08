import { MigrationInterface, QueryRunner } from 'typeorm';

export class ImageUploadOwner1795746552342 implements MigrationInterface {
  name = 'ImageUploadOwner1795746552342';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_image_owner"');
    await queryRunner.query('DROP INDEX "ix_image_created_at_id"');
    await queryRunner.query('DROP INDEX "ix_image_updated_at"');
    await queryRunner.query('DROP INDEX "ix_image_status"');
    await queryRunner.query(
      'CREATE TABLE "temporary_image" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255), "status" varchar(30) NOT NULL, "visibility" varchar(9) NOT NULL, "owner" varchar(255), "size" bigint, "virtual_size" bigint, "checksum" varchar(32), "os_hash_algo" varchar(64), "os_hash_value" varchar(128), "disk_format" varchar(20), "container_format" varchar(20), "min_disk" integer NOT NULL, "min_ram" integer NOT NULL, "protected" boolean NOT NULL, "os_hidden" boolean NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "location" text, "upload_owner" varchar(255), "upload_heartbeat_at" datetime)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_image"("id", "name", "status", "visibility", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "container_format", "min_disk", "min_ram", "protected", "os_hidden", "created_at", "updated_at", "location") SELECT "id", "name", "status", "visibility", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "container_format", "min_disk", "min_ram", "protected", "os_hidden", "created_at", "updated_at", "location" FROM "image"',
    );
    await queryRunner.query('DROP TABLE "image"');
    await queryRunner.query('ALTER TABLE "temporary_image" RENAME TO "image"');
    await queryRunner.query('CREATE INDEX "ix_image_owner" ON "image" ("owner") ');
    await queryRunner.query('CREATE INDEX "ix_image_created_at_id" ON "image" ("created_at", "id") ');
    await queryRunner.query('CREATE INDEX "ix_image_updated_at" ON "image" ("updated_at") ');
    await queryRunner.query('CREATE INDEX "ix_image_status" ON "image" ("status") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_image_status"');
    await queryRunner.query('DROP INDEX "ix_image_updated_at"');
    await queryRunner.query('DROP INDEX "ix_image_created_at_id"');
    await queryRunner.query('DROP INDEX "ix_image_owner"');
    await queryRunner.query('ALTER TABLE "image" RENAME TO "temporary_image"');
    await queryRunner.query(
      'CREATE TABLE "image" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255), "status" varchar(30) NOT NULL, "visibility" varchar(9) NOT NULL, "owner" varchar(255), "size" bigint, "virtual_size" bigint, "checksum" varchar(32), "os_hash_algo" varchar(64), "os_hash_value" varchar(128), "disk_format" varchar(20), "container_format" varchar(20), "min_disk" integer NOT NULL, "min_ram" integer NOT NULL, "protected" boolean NOT NULL, "os_hidden" boolean NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "location" text)',
    );
    await queryRunner.query(
      'INSERT INTO "image"("id", "name", "status", "visibility", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "container_format", "min_disk", "min_ram", "protected", "os_hidden", "created_at", "updated_at", "location") SELECT "id", "name", "status", "visibility", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "container_format", "min_disk", "min_ram", "protected", "os_hidden", "created_at", "updated_at", "location" FROM "temporary_image"',
    );
    await queryRunner.query('DROP TABLE "temporary_image"');
    await queryRunner.query('CREATE INDEX "ix_image_status" ON "image" ("status") ');
    await queryRunner.query('CREATE INDEX "ix_image_updated_at" ON "image" ("updated_at") ');
    await queryRunner.query('CREATE INDEX "ix_image_created_at_id" ON "image" ("created_at", "id") ');
    await queryRunner.query('CREATE INDEX "ix_image_owner" ON "image" ("owner") ');
  }
}
