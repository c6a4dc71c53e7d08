import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795741859227 implements MigrationInterface {
  name = 'InitialSchema1795741859227';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "swift_account" ("name" varchar(256) PRIMARY KEY NOT NULL, "metadata" text NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "swift_container" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account" varchar(256) NOT NULL, "name_key" varchar(512) NOT NULL, "name" varchar(256) NOT NULL, "metadata" text NOT NULL, "read_acl" text, "write_acl" text, "versions_location" varchar(256), "versions_mode" varchar(8), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "ux_swift_container_account_name" ON "swift_container" ("account", "name_key") ',
    );
    await queryRunner.query(
      'CREATE TABLE "swift_container_stat" ("container_id" integer NOT NULL, "shard" smallint NOT NULL, "object_count" bigint NOT NULL, "bytes_used" bigint NOT NULL, PRIMARY KEY ("container_id", "shard"))',
    );
    await queryRunner.query(
      'CREATE TABLE "swift_object" ("container_id" integer NOT NULL, "name_key" varchar(2048) NOT NULL, "name" varchar(1024) NOT NULL, "data_key" varchar(64) NOT NULL, "size" bigint NOT NULL, "etag" varchar(32) NOT NULL, "content_type" varchar(1024) NOT NULL, "timestamp" bigint NOT NULL, "delete_at" bigint, "metadata" text NOT NULL, "headers" text NOT NULL, "dlo_manifest" text, "slo_etag" varchar(32), "slo_size" bigint, PRIMARY KEY ("container_id", "name_key"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "ux_swift_object_data_key" ON "swift_object" ("data_key") ');
    await queryRunner.query('CREATE INDEX "ix_swift_object_delete_at" ON "swift_object" ("delete_at") ');
    await queryRunner.query(
      'CREATE TABLE "swift_data_journal" ("data_key" varchar(64) PRIMARY KEY NOT NULL, "node" varchar(255) NOT NULL, "created_at" bigint NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_swift_data_journal_node" ON "swift_data_journal" ("node") ');
    await queryRunner.query(
      'CREATE TABLE "temporary_swift_container_stat" ("container_id" integer NOT NULL, "shard" smallint NOT NULL, "object_count" bigint NOT NULL, "bytes_used" bigint NOT NULL, CONSTRAINT "FK_dce57d5cc3047067dad9a36d43a" FOREIGN KEY ("container_id") REFERENCES "swift_container" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("container_id", "shard"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_swift_container_stat"("container_id", "shard", "object_count", "bytes_used") SELECT "container_id", "shard", "object_count", "bytes_used" FROM "swift_container_stat"',
    );
    await queryRunner.query('DROP TABLE "swift_container_stat"');
    await queryRunner.query('ALTER TABLE "temporary_swift_container_stat" RENAME TO "swift_container_stat"');
    await queryRunner.query('DROP INDEX "ux_swift_object_data_key"');
    await queryRunner.query('DROP INDEX "ix_swift_object_delete_at"');
    await queryRunner.query(
      'CREATE TABLE "temporary_swift_object" ("container_id" integer NOT NULL, "name_key" varchar(2048) NOT NULL, "name" varchar(1024) NOT NULL, "data_key" varchar(64) NOT NULL, "size" bigint NOT NULL, "etag" varchar(32) NOT NULL, "content_type" varchar(1024) NOT NULL, "timestamp" bigint NOT NULL, "delete_at" bigint, "metadata" text NOT NULL, "headers" text NOT NULL, "dlo_manifest" text, "slo_etag" varchar(32), "slo_size" bigint, CONSTRAINT "FK_56bfc5644e4c43d477007eb4ece" FOREIGN KEY ("container_id") REFERENCES "swift_container" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, PRIMARY KEY ("container_id", "name_key"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_swift_object"("container_id", "name_key", "name", "data_key", "size", "etag", "content_type", "timestamp", "delete_at", "metadata", "headers", "dlo_manifest", "slo_etag", "slo_size") SELECT "container_id", "name_key", "name", "data_key", "size", "etag", "content_type", "timestamp", "delete_at", "metadata", "headers", "dlo_manifest", "slo_etag", "slo_size" FROM "swift_object"',
    );
    await queryRunner.query('DROP TABLE "swift_object"');
    await queryRunner.query('ALTER TABLE "temporary_swift_object" RENAME TO "swift_object"');
    await queryRunner.query('CREATE UNIQUE INDEX "ux_swift_object_data_key" ON "swift_object" ("data_key") ');
    await queryRunner.query('CREATE INDEX "ix_swift_object_delete_at" ON "swift_object" ("delete_at") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_swift_object_delete_at"');
    await queryRunner.query('DROP INDEX "ux_swift_object_data_key"');
    await queryRunner.query('ALTER TABLE "swift_object" RENAME TO "temporary_swift_object"');
    await queryRunner.query(
      'CREATE TABLE "swift_object" ("container_id" integer NOT NULL, "name_key" varchar(2048) NOT NULL, "name" varchar(1024) NOT NULL, "data_key" varchar(64) NOT NULL, "size" bigint NOT NULL, "etag" varchar(32) NOT NULL, "content_type" varchar(1024) NOT NULL, "timestamp" bigint NOT NULL, "delete_at" bigint, "metadata" text NOT NULL, "headers" text NOT NULL, "dlo_manifest" text, "slo_etag" varchar(32), "slo_size" bigint, PRIMARY KEY ("container_id", "name_key"))',
    );
    await queryRunner.query(
      'INSERT INTO "swift_object"("container_id", "name_key", "name", "data_key", "size", "etag", "content_type", "timestamp", "delete_at", "metadata", "headers", "dlo_manifest", "slo_etag", "slo_size") SELECT "container_id", "name_key", "name", "data_key", "size", "etag", "content_type", "timestamp", "delete_at", "metadata", "headers", "dlo_manifest", "slo_etag", "slo_size" FROM "temporary_swift_object"',
    );
    await queryRunner.query('DROP TABLE "temporary_swift_object"');
    await queryRunner.query('CREATE INDEX "ix_swift_object_delete_at" ON "swift_object" ("delete_at") ');
    await queryRunner.query('CREATE UNIQUE INDEX "ux_swift_object_data_key" ON "swift_object" ("data_key") ');
    await queryRunner.query('ALTER TABLE "swift_container_stat" RENAME TO "temporary_swift_container_stat"');
    await queryRunner.query(
      'CREATE TABLE "swift_container_stat" ("container_id" integer NOT NULL, "shard" smallint NOT NULL, "object_count" bigint NOT NULL, "bytes_used" bigint NOT NULL, PRIMARY KEY ("container_id", "shard"))',
    );
    await queryRunner.query(
      'INSERT INTO "swift_container_stat"("container_id", "shard", "object_count", "bytes_used") SELECT "container_id", "shard", "object_count", "bytes_used" FROM "temporary_swift_container_stat"',
    );
    await queryRunner.query('DROP TABLE "temporary_swift_container_stat"');
    await queryRunner.query('DROP INDEX "ix_swift_data_journal_node"');
    await queryRunner.query('DROP TABLE "swift_data_journal"');
    await queryRunner.query('DROP INDEX "ix_swift_object_delete_at"');
    await queryRunner.query('DROP INDEX "ux_swift_object_data_key"');
    await queryRunner.query('DROP TABLE "swift_object"');
    await queryRunner.query('DROP TABLE "swift_container_stat"');
    await queryRunner.query('DROP INDEX "ux_swift_container_account_name"');
    await queryRunner.query('DROP TABLE "swift_container"');
    await queryRunner.query('DROP TABLE "swift_account"');
  }
}
