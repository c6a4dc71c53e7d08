import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795741859227 implements MigrationInterface {
  name = 'InitialSchema1795741859227';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `swift_account` (`name` varchar(256) NOT NULL, `metadata` text NOT NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, PRIMARY KEY (`name`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `swift_container` (`id` int NOT NULL AUTO_INCREMENT, `account` varchar(256) NOT NULL, `name_key` varchar(512) CHARACTER SET "ascii" NOT NULL, `name` varchar(256) NOT NULL, `metadata` text NOT NULL, `read_acl` text NULL, `write_acl` text NULL, `versions_location` varchar(256) NULL, `versions_mode` varchar(8) NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, UNIQUE INDEX `ux_swift_container_account_name` (`account`, `name_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `swift_container_stat` (`container_id` int NOT NULL, `shard` smallint NOT NULL, `object_count` bigint NOT NULL, `bytes_used` bigint NOT NULL, PRIMARY KEY (`container_id`, `shard`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `swift_object` (`container_id` int NOT NULL, `name_key` varchar(2048) CHARACTER SET "ascii" NOT NULL, `name` varchar(1024) NOT NULL, `data_key` varchar(64) NOT NULL, `size` bigint NOT NULL, `etag` varchar(32) NOT NULL, `content_type` varchar(1024) NOT NULL, `timestamp` bigint NOT NULL, `delete_at` bigint NULL, `metadata` text NOT NULL, `headers` text NOT NULL, `dlo_manifest` text NULL, `slo_etag` varchar(32) NULL, `slo_size` bigint NULL, UNIQUE INDEX `ux_swift_object_data_key` (`data_key`), INDEX `ix_swift_object_delete_at` (`delete_at`), PRIMARY KEY (`container_id`, `name_key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `swift_data_journal` (`data_key` varchar(64) NOT NULL, `node` varchar(255) NOT NULL, `created_at` bigint NOT NULL, INDEX `ix_swift_data_journal_node` (`node`), PRIMARY KEY (`data_key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'ALTER TABLE `swift_container_stat` ADD CONSTRAINT `FK_dce57d5cc3047067dad9a36d43a` FOREIGN KEY (`container_id`) REFERENCES `swift_container`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `swift_object` ADD CONSTRAINT `FK_56bfc5644e4c43d477007eb4ece` FOREIGN KEY (`container_id`) REFERENCES `swift_container`(`id`) ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `swift_object` DROP FOREIGN KEY `FK_56bfc5644e4c43d477007eb4ece`');
    await queryRunner.query(
      'ALTER TABLE `swift_container_stat` DROP FOREIGN KEY `FK_dce57d5cc3047067dad9a36d43a`',
    );
    await queryRunner.query('DROP INDEX `ix_swift_data_journal_node` ON `swift_data_journal`');
    await queryRunner.query('DROP TABLE `swift_data_journal`');
    await queryRunner.query('DROP INDEX `ix_swift_object_delete_at` ON `swift_object`');
    await queryRunner.query('DROP INDEX `ux_swift_object_data_key` ON `swift_object`');
    await queryRunner.query('DROP TABLE `swift_object`');
    await queryRunner.query('DROP TABLE `swift_container_stat`');
    await queryRunner.query('DROP INDEX `ux_swift_container_account_name` ON `swift_container`');
    await queryRunner.query('DROP TABLE `swift_container`');
    await queryRunner.query('DROP TABLE `swift_account`');
  }
}
