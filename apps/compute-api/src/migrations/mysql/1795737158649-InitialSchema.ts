import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795737158649 implements MigrationInterface {
  name = 'InitialSchema1795737158649';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `flavor` (`id` varchar(255) NOT NULL, `name` varchar(255) NOT NULL, `memory_mb` int NOT NULL, `vcpus` int NOT NULL, `root_gb` int NOT NULL, `ephemeral_gb` int NOT NULL, `swap` int NOT NULL, `rxtx_factor` float NOT NULL, `is_public` tinyint NOT NULL, `disabled` tinyint NOT NULL, `description` text NULL, `extra_specs` text NOT NULL, `created_at` datetime NOT NULL, UNIQUE INDEX `uq_flavor_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `flavor_project` (`flavor_id` varchar(255) NOT NULL, `project_id` varchar(64) NOT NULL, INDEX `ix_flavor_project_project` (`project_id`), PRIMARY KEY (`flavor_id`, `project_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `instance` (`id` int NOT NULL AUTO_INCREMENT, `uuid` varchar(36) NOT NULL, `display_name` varchar(255) NOT NULL, `description` text NULL, `project_id` varchar(64) NOT NULL, `user_id` varchar(64) NOT NULL, `image_ref` varchar(36) NOT NULL, `image_properties` text NOT NULL, `image_spec` text NULL, `kernel_boot` text NULL, `flavor` text NOT NULL, `old_flavor` text NULL, `key_name` varchar(255) NULL, `key_data` text NULL, `user_data` text NULL, `metadata` text NOT NULL, `tags` text NOT NULL, `security_groups` text NOT NULL, `requested_networks` text NOT NULL, `vifs` text NOT NULL, `vm_state` varchar(32) NOT NULL, `task_state` varchar(32) NULL, `power_state` int NOT NULL, `host` varchar(255) NULL, `node` varchar(255) NULL, `availability_zone` varchar(255) NULL, `launched_at` datetime NULL, `terminated_at` datetime NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted` tinyint NOT NULL, `deleted_at` datetime NULL, `locked` tinyint NOT NULL, `locked_by` varchar(8) NULL, `hostname` varchar(255) NOT NULL, `reservation_id` varchar(16) NOT NULL, `launch_index` int NOT NULL, `config_drive` varchar(8) NOT NULL, `access_ip_v4` varchar(64) NULL, `access_ip_v6` varchar(64) NULL, `disk_config` varchar(8) NOT NULL, `server_group_id` varchar(36) NULL, `scheduler_hints` text NOT NULL, `pending_operation` varchar(16) NULL, `operation_deadline` datetime NULL, `build_attempts` int NOT NULL, `tried_hosts` text NOT NULL, `alternates` text NOT NULL, `operation_token` text NULL, `last_event_at` varchar(40) NULL, `fault` text NULL, UNIQUE INDEX `uq_instance_uuid` (`uuid`), INDEX `ix_instance_host` (`host`), INDEX `ix_instance_server_group` (`server_group_id`), INDEX `ix_instance_deadline` (`operation_deadline`), INDEX `ix_instance_project` (`project_id`, `deleted`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `instance_action` (`id` int NOT NULL AUTO_INCREMENT, `request_id` varchar(64) NOT NULL, `instance_uuid` varchar(36) NOT NULL, `action` varchar(64) NOT NULL, `project_id` varchar(64) NOT NULL, `user_id` varchar(64) NOT NULL, `start_time` datetime NOT NULL, `finish_time` datetime NULL, `message` varchar(255) NULL, `updated_at` datetime NOT NULL, INDEX `ix_instance_action_instance` (`instance_uuid`, `start_time`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `instance_action_event` (`id` int NOT NULL AUTO_INCREMENT, `action_id` int NOT NULL, `event` varchar(64) NOT NULL, `start_time` datetime NOT NULL, `finish_time` datetime NULL, `result` varchar(16) NULL, `traceback` text NULL, `host` varchar(255) NULL, INDEX `ix_instance_action_event_action` (`action_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `compute_host` (`id` int NOT NULL AUTO_INCREMENT, `host` varchar(255) NOT NULL, `uuid` varchar(36) NOT NULL, UNIQUE INDEX `uq_compute_host_host` (`host`), UNIQUE INDEX `uq_compute_host_uuid` (`uuid`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `key_pair` (`id` int NOT NULL AUTO_INCREMENT, `user_id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `type` varchar(8) NOT NULL, `fingerprint` varchar(255) NOT NULL, `public_key` text NOT NULL, `created_at` datetime NOT NULL, UNIQUE INDEX `uq_key_pair_user_name` (`user_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `server_group` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `project_id` varchar(64) NOT NULL, `user_id` varchar(64) NOT NULL, `policy` varchar(32) NOT NULL, `rules` text NOT NULL, `created_at` datetime NOT NULL, INDEX `ix_server_group_project` (`project_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `quota` (`project_id` varchar(64) NOT NULL, `resource` varchar(64) NOT NULL, `hard_limit` int NOT NULL, PRIMARY KEY (`project_id`, `resource`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `quota`');
    await queryRunner.query('DROP INDEX `ix_server_group_project` ON `server_group`');
    await queryRunner.query('DROP TABLE `server_group`');
    await queryRunner.query('DROP INDEX `uq_key_pair_user_name` ON `key_pair`');
    await queryRunner.query('DROP TABLE `key_pair`');
    await queryRunner.query('DROP INDEX `uq_compute_host_uuid` ON `compute_host`');
    await queryRunner.query('DROP INDEX `uq_compute_host_host` ON `compute_host`');
    await queryRunner.query('DROP TABLE `compute_host`');
    await queryRunner.query('DROP INDEX `ix_instance_action_event_action` ON `instance_action_event`');
    await queryRunner.query('DROP TABLE `instance_action_event`');
    await queryRunner.query('DROP INDEX `ix_instance_action_instance` ON `instance_action`');
    await queryRunner.query('DROP TABLE `instance_action`');
    await queryRunner.query('DROP INDEX `ix_instance_project` ON `instance`');
    await queryRunner.query('DROP INDEX `ix_instance_deadline` ON `instance`');
    await queryRunner.query('DROP INDEX `ix_instance_server_group` ON `instance`');
    await queryRunner.query('DROP INDEX `ix_instance_host` ON `instance`');
    await queryRunner.query('DROP INDEX `uq_instance_uuid` ON `instance`');
    await queryRunner.query('DROP TABLE `instance`');
    await queryRunner.query('DROP INDEX `ix_flavor_project_project` ON `flavor_project`');
    await queryRunner.query('DROP TABLE `flavor_project`');
    await queryRunner.query('DROP INDEX `uq_flavor_name` ON `flavor`');
    await queryRunner.query('DROP TABLE `flavor`');
  }
}
