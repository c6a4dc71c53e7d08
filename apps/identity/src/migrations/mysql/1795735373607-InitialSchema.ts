import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795735373607 implements MigrationInterface {
  name = 'InitialSchema1795735373607';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `domain` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `description` text NULL, `enabled` tinyint NOT NULL, `tags` text NOT NULL, UNIQUE INDEX `uq_domain_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `project` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `domain_id` varchar(64) NOT NULL, `parent_id` varchar(64) NULL, `description` text NULL, `enabled` tinyint NOT NULL, `tags` text NOT NULL, `extra` text NOT NULL, INDEX `ix_project_parent` (`parent_id`), UNIQUE INDEX `uq_project_domain_name` (`domain_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `user` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `domain_id` varchar(64) NOT NULL, `enabled` tinyint NOT NULL, `password_hash` varchar(255) NULL, `default_project_id` varchar(64) NULL, `extra` text NOT NULL, `created_at` datetime NOT NULL, UNIQUE INDEX `uq_user_domain_name` (`domain_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `group` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `domain_id` varchar(64) NOT NULL, `description` text NULL, UNIQUE INDEX `uq_group_domain_name` (`domain_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `group_membership` (`group_id` varchar(64) NOT NULL, `user_id` varchar(64) NOT NULL, INDEX `ix_group_membership_user` (`user_id`), PRIMARY KEY (`group_id`, `user_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `role` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `domain_id` varchar(64) NOT NULL, `description` text NULL, UNIQUE INDEX `uq_role_domain_name` (`domain_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `role_assignment` (`actor_type` varchar(8) NOT NULL, `actor_id` varchar(64) NOT NULL, `target_type` varchar(8) NOT NULL, `target_id` varchar(64) NOT NULL, `role_id` varchar(64) NOT NULL, `inherited` tinyint NOT NULL, INDEX `ix_assignment_target` (`target_type`, `target_id`), PRIMARY KEY (`actor_type`, `actor_id`, `target_type`, `target_id`, `role_id`, `inherited`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `region` (`id` varchar(255) NOT NULL, `description` text NULL, `parent_region_id` varchar(255) NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `service` (`id` varchar(64) NOT NULL, `type` varchar(255) NOT NULL, `name` varchar(255) NULL, `description` text NULL, `enabled` tinyint NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `endpoint` (`id` varchar(64) NOT NULL, `service_id` varchar(64) NOT NULL, `region_id` varchar(255) NULL, `interface` varchar(8) NOT NULL, `url` text NOT NULL, `enabled` tinyint NOT NULL, INDEX `ix_endpoint_service` (`service_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `application_credential` (`id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `user_id` varchar(64) NOT NULL, `project_id` varchar(64) NOT NULL, `secret_hash` varchar(255) NOT NULL, `description` text NULL, `expires_at` datetime NULL, `unrestricted` tinyint NOT NULL, `roles` text NOT NULL, UNIQUE INDEX `uq_app_cred_user_name` (`user_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `uq_app_cred_user_name` ON `application_credential`');
    await queryRunner.query('DROP TABLE `application_credential`');
    await queryRunner.query('DROP INDEX `ix_endpoint_service` ON `endpoint`');
    await queryRunner.query('DROP TABLE `endpoint`');
    await queryRunner.query('DROP TABLE `service`');
    await queryRunner.query('DROP TABLE `region`');
    await queryRunner.query('DROP INDEX `ix_assignment_target` ON `role_assignment`');
    await queryRunner.query('DROP TABLE `role_assignment`');
    await queryRunner.query('DROP INDEX `uq_role_domain_name` ON `role`');
    await queryRunner.query('DROP TABLE `role`');
    await queryRunner.query('DROP INDEX `ix_group_membership_user` ON `group_membership`');
    await queryRunner.query('DROP TABLE `group_membership`');
    await queryRunner.query('DROP INDEX `uq_group_domain_name` ON `group`');
    await queryRunner.query('DROP TABLE `group`');
    await queryRunner.query('DROP INDEX `uq_user_domain_name` ON `user`');
    await queryRunner.query('DROP TABLE `user`');
    await queryRunner.query('DROP INDEX `uq_project_domain_name` ON `project`');
    await queryRunner.query('DROP INDEX `ix_project_parent` ON `project`');
    await queryRunner.query('DROP TABLE `project`');
    await queryRunner.query('DROP INDEX `uq_domain_name` ON `domain`');
    await queryRunner.query('DROP TABLE `domain`');
  }
}
