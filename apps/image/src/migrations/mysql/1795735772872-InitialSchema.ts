import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795735772872 implements MigrationInterface {
  name = 'InitialSchema1795735772872';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `image` (`id` varchar(36) NOT NULL, `name` varchar(255) NULL, `status` varchar(30) NOT NULL, `visibility` varchar(9) NOT NULL, `owner` varchar(255) NULL, `size` bigint NULL, `virtual_size` bigint NULL, `checksum` varchar(32) NULL, `os_hash_algo` varchar(64) NULL, `os_hash_value` varchar(128) NULL, `disk_format` varchar(20) NULL, `container_format` varchar(20) NULL, `min_disk` int NOT NULL, `min_ram` int NOT NULL, `protected` tinyint NOT NULL, `os_hidden` tinyint NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `location` text NULL, INDEX `ix_image_status` (`status`), INDEX `ix_image_updated_at` (`updated_at`), INDEX `ix_image_created_at_id` (`created_at`, `id`), INDEX `ix_image_owner` (`owner`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `image_property` (`image_id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `value` text NOT NULL, PRIMARY KEY (`image_id`, `name`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `image_tag` (`image_id` varchar(36) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`image_id`, `value`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `image_member` (`image_id` varchar(36) NOT NULL, `member_id` varchar(255) NOT NULL, `status` varchar(20) NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_image_member_member` (`member_id`), PRIMARY KEY (`image_id`, `member_id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_image_member_member` ON `image_member`');
    await queryRunner.query('DROP TABLE `image_member`');
    await queryRunner.query('DROP TABLE `image_tag`');
    await queryRunner.query('DROP TABLE `image_property`');
    await queryRunner.query('DROP INDEX `ix_image_owner` ON `image`');
    await queryRunner.query('DROP INDEX `ix_image_created_at_id` ON `image`');
    await queryRunner.query('DROP INDEX `ix_image_updated_at` ON `image`');
    await queryRunner.query('DROP INDEX `ix_image_status` ON `image`');
    await queryRunner.query('DROP TABLE `image`');
  }
}
