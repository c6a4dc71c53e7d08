import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795740688826 implements MigrationInterface {
  name = 'InitialSchema1795740688826';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `volume` (`id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, `user_id` varchar(255) NOT NULL, `name` varchar(255) NULL, `description` varchar(255) NULL, `size` int NOT NULL, `status` varchar(32) NOT NULL, `previous_status` varchar(32) NULL, `attach_status` varchar(32) NOT NULL, `migration_status` varchar(32) NULL, `availability_zone` varchar(255) NOT NULL, `volume_type_id` varchar(36) NOT NULL, `bootable` tinyint NOT NULL, `multiattach` tinyint NOT NULL, `source_volid` varchar(36) NULL, `snapshot_id` varchar(36) NULL, `host` varchar(255) NOT NULL, `format` varchar(16) NOT NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, `launched_at` datetime(3) NULL, INDEX `ix_volume_host_status` (`host`, `status`), INDEX `ix_volume_status` (`status`), INDEX `ix_volume_project_created` (`project_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_metadata` (`volume_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`volume_id`, `key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_admin_metadata` (`volume_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`volume_id`, `key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `glance_metadata` (`resource_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` text NOT NULL, PRIMARY KEY (`resource_id`, `key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_attachment` (`id` varchar(36) NOT NULL, `volume_id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, `instance_uuid` varchar(36) NULL, `attached_host` varchar(255) NULL, `mountpoint` varchar(255) NULL, `attach_status` varchar(32) NOT NULL, `attach_mode` varchar(2) NOT NULL, `connector` text NULL, `connection_info` text NULL, `attach_time` datetime(3) NULL, `detach_time` datetime(3) NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, INDEX `ix_volume_attachment_instance` (`instance_uuid`), INDEX `ix_volume_attachment_volume` (`volume_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `snapshot` (`id` varchar(36) NOT NULL, `volume_id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, `user_id` varchar(255) NOT NULL, `name` varchar(255) NULL, `description` varchar(255) NULL, `status` varchar(32) NOT NULL, `size` int NOT NULL, `progress` varchar(8) NOT NULL, `volume_type_id` varchar(36) NOT NULL, `format` varchar(16) NOT NULL, `host` varchar(255) NOT NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, INDEX `ix_snapshot_host_status` (`host`, `status`), INDEX `ix_snapshot_volume` (`volume_id`), INDEX `ix_snapshot_project_created` (`project_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `snapshot_metadata` (`snapshot_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`snapshot_id`, `key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_type` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NULL, `is_public` tinyint NOT NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, UNIQUE INDEX `ux_volume_type_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_type_extra_spec` (`volume_type_id` varchar(36) NOT NULL, `key` varchar(255) NOT NULL, `value` varchar(255) NOT NULL, PRIMARY KEY (`volume_type_id`, `key`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `volume_type_project` (`volume_type_id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, INDEX `ix_volume_type_project_project` (`project_id`), PRIMARY KEY (`volume_type_id`, `project_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `default_volume_type` (`project_id` varchar(255) NOT NULL, `volume_type_id` varchar(36) NOT NULL, PRIMARY KEY (`project_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `quota` (`project_id` varchar(255) NOT NULL, `resource` varchar(300) NOT NULL, `hard_limit` int NOT NULL, PRIMARY KEY (`project_id`, `resource`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `quota_class` (`class_name` varchar(255) NOT NULL, `resource` varchar(300) NOT NULL, `hard_limit` int NOT NULL, PRIMARY KEY (`class_name`, `resource`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `quota_lock` (`project_id` varchar(255) NOT NULL, PRIMARY KEY (`project_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `message` (`id` varchar(36) NOT NULL, `project_id` varchar(255) NOT NULL, `request_id` varchar(255) NOT NULL, `resource_type` varchar(36) NOT NULL, `resource_uuid` varchar(36) NULL, `event_id` varchar(255) NOT NULL, `message_level` varchar(255) NOT NULL, `user_message` text NOT NULL, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, INDEX `ix_message_expires` (`expires_at`), INDEX `ix_message_project_created` (`project_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_message_project_created` ON `message`');
    await queryRunner.query('DROP INDEX `ix_message_expires` ON `message`');
    await queryRunner.query('DROP TABLE `message`');
    await queryRunner.query('DROP TABLE `quota_lock`');
    await queryRunner.query('DROP TABLE `quota_class`');
    await queryRunner.query('DROP TABLE `quota`');
    await queryRunner.query('DROP TABLE `default_volume_type`');
    await queryRunner.query('DROP INDEX `ix_volume_type_project_project` ON `volume_type_project`');
    await queryRunner.query('DROP TABLE `volume_type_project`');
    await queryRunner.query('DROP TABLE `volume_type_extra_spec`');
    await queryRunner.query('DROP INDEX `ux_volume_type_name` ON `volume_type`');
    await queryRunner.query('DROP TABLE `volume_type`');
    await queryRunner.query('DROP TABLE `snapshot_metadata`');
    await queryRunner.query('DROP INDEX `ix_snapshot_project_created` ON `snapshot`');
    await queryRunner.query('DROP INDEX `ix_snapshot_volume` ON `snapshot`');
    await queryRunner.query('DROP INDEX `ix_snapshot_host_status` ON `snapshot`');
    await queryRunner.query('DROP TABLE `snapshot`');
    await queryRunner.query('DROP INDEX `ix_volume_attachment_volume` ON `volume_attachment`');
    await queryRunner.query('DROP INDEX `ix_volume_attachment_instance` ON `volume_attachment`');
    await queryRunner.query('DROP TABLE `volume_attachment`');
    await queryRunner.query('DROP TABLE `glance_metadata`');
    await queryRunner.query('DROP TABLE `volume_admin_metadata`');
    await queryRunner.query('DROP TABLE `volume_metadata`');
    await queryRunner.query('DROP INDEX `ix_volume_project_created` ON `volume`');
    await queryRunner.query('DROP INDEX `ix_volume_status` ON `volume`');
    await queryRunner.query('DROP INDEX `ix_volume_host_status` ON `volume`');
    await queryRunner.query('DROP TABLE `volume`');
  }
}
