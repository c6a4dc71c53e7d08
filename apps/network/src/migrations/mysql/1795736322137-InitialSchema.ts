import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795736322137 implements MigrationInterface {
  name = 'InitialSchema1795736322137';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `network` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, `admin_state_up` tinyint NOT NULL, `status` varchar(16) NOT NULL, `shared` tinyint NOT NULL, `external` tinyint NOT NULL, `mtu` int NOT NULL, `port_security_enabled` tinyint NOT NULL, `network_type` varchar(32) NOT NULL, `physical_network` varchar(64) NULL, `segmentation_id` int NULL, `segment_key` varchar(128) NULL, `availability_zone_hints` text NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, UNIQUE INDEX `uq_network_segment` (`segment_key`), INDEX `ix_network_project` (`project_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `subnet` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `network_id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, `ip_version` int NOT NULL, `cidr` varchar(64) NOT NULL, `gateway_ip` varchar(64) NULL, `enable_dhcp` tinyint NOT NULL, `ipv6_ra_mode` varchar(32) NULL, `ipv6_address_mode` varchar(32) NULL, `allocation_pools` text NOT NULL, `dns_nameservers` text NOT NULL, `host_routes` text NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_subnet_network` (`network_id`), INDEX `ix_subnet_project` (`project_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `port` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `network_id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, `mac_address` varchar(32) NOT NULL, `admin_state_up` tinyint NOT NULL, `status` varchar(16) NOT NULL, `device_id` varchar(255) NOT NULL, `device_owner` varchar(255) NOT NULL, `port_security_enabled` tinyint NOT NULL, `allowed_address_pairs` text NOT NULL, `binding_host_id` varchar(255) NOT NULL, `binding_vif_type` varchar(64) NOT NULL, `binding_vif_details` text NOT NULL, `binding_vnic_type` varchar(64) NOT NULL, `binding_profile` text NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_port_device` (`device_id`), INDEX `ix_port_project` (`project_id`), UNIQUE INDEX `uq_port_network_mac` (`network_id`, `mac_address`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `ip_allocation` (`subnet_id` varchar(36) NOT NULL, `ip_address` varchar(64) NOT NULL, `port_id` varchar(36) NOT NULL, `network_id` varchar(36) NOT NULL, INDEX `ix_ip_allocation_port` (`port_id`), PRIMARY KEY (`subnet_id`, `ip_address`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `security_group` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, `stateful` tinyint NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_security_group_project` (`project_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `default_security_group` (`project_id` varchar(64) NOT NULL, `security_group_id` varchar(36) NOT NULL, PRIMARY KEY (`project_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `security_group_rule` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `security_group_id` varchar(36) NOT NULL, `direction` varchar(16) NOT NULL, `ethertype` varchar(8) NOT NULL, `protocol` varchar(40) NULL, `port_range_min` int NULL, `port_range_max` int NULL, `remote_ip_prefix` varchar(64) NULL, `remote_group_id` varchar(36) NULL, `description` varchar(255) NOT NULL, `fingerprint` varchar(64) NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_security_group_rule_remote_group` (`remote_group_id`), INDEX `ix_security_group_rule_project` (`project_id`), UNIQUE INDEX `uq_security_group_rule` (`security_group_id`, `fingerprint`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `port_security_group` (`port_id` varchar(36) NOT NULL, `security_group_id` varchar(36) NOT NULL, INDEX `ix_port_security_group_group` (`security_group_id`), PRIMARY KEY (`port_id`, `security_group_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `router` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `name` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, `admin_state_up` tinyint NOT NULL, `status` varchar(16) NOT NULL, `gateway_network_id` varchar(36) NULL, `gateway_port_id` varchar(36) NULL, `enable_snat` tinyint NOT NULL, `routes` text NOT NULL, `availability_zone_hints` text NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, INDEX `ix_router_gateway_network` (`gateway_network_id`), INDEX `ix_router_project` (`project_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `floating_ip` (`id` varchar(36) NOT NULL, `project_id` varchar(64) NOT NULL, `floating_network_id` varchar(36) NOT NULL, `floating_port_id` varchar(36) NOT NULL, `floating_subnet_id` varchar(36) NOT NULL, `floating_ip_address` varchar(64) NOT NULL, `fixed_port_id` varchar(36) NULL, `fixed_ip_address` varchar(64) NULL, `router_id` varchar(36) NULL, `status` varchar(16) NOT NULL, `description` varchar(255) NOT NULL, `revision_number` int NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, UNIQUE INDEX `uq_floating_ip_port` (`floating_port_id`), INDEX `ix_floating_ip_fixed_port` (`fixed_port_id`), INDEX `ix_floating_ip_project` (`project_id`), UNIQUE INDEX `uq_floating_ip_fixed` (`floating_network_id`, `fixed_port_id`, `fixed_ip_address`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `quota` (`project_id` varchar(64) NOT NULL, `resource` varchar(32) NOT NULL, `hard_limit` int NOT NULL, PRIMARY KEY (`project_id`, `resource`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `resource_tag` (`resource_id` varchar(36) NOT NULL, `tag` varchar(255) NOT NULL, INDEX `ix_resource_tag_tag` (`tag`), PRIMARY KEY (`resource_id`, `tag`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'ALTER TABLE `subnet` ADD CONSTRAINT `fk_subnet_network` FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `port` ADD CONSTRAINT `fk_port_network` FOREIGN KEY (`network_id`) REFERENCES `network`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `ip_allocation` ADD CONSTRAINT `fk_ip_allocation_subnet` FOREIGN KEY (`subnet_id`) REFERENCES `subnet`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `ip_allocation` ADD CONSTRAINT `fk_ip_allocation_port` FOREIGN KEY (`port_id`) REFERENCES `port`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `default_security_group` ADD CONSTRAINT `fk_default_security_group` FOREIGN KEY (`security_group_id`) REFERENCES `security_group`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `security_group_rule` ADD CONSTRAINT `fk_rule_security_group` FOREIGN KEY (`security_group_id`) REFERENCES `security_group`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `security_group_rule` ADD CONSTRAINT `fk_rule_remote_group` FOREIGN KEY (`remote_group_id`) REFERENCES `security_group`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `port_security_group` ADD CONSTRAINT `fk_port_security_group_port` FOREIGN KEY (`port_id`) REFERENCES `port`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `port_security_group` ADD CONSTRAINT `fk_port_security_group_group` FOREIGN KEY (`security_group_id`) REFERENCES `security_group`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `floating_ip` ADD CONSTRAINT `fk_floating_ip_network` FOREIGN KEY (`floating_network_id`) REFERENCES `network`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `floating_ip` ADD CONSTRAINT `fk_floating_ip_floating_port` FOREIGN KEY (`floating_port_id`) REFERENCES `port`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `floating_ip` ADD CONSTRAINT `fk_floating_ip_fixed_port` FOREIGN KEY (`fixed_port_id`) REFERENCES `port`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `floating_ip` DROP FOREIGN KEY `fk_floating_ip_fixed_port`');
    await queryRunner.query('ALTER TABLE `floating_ip` DROP FOREIGN KEY `fk_floating_ip_floating_port`');
    await queryRunner.query('ALTER TABLE `floating_ip` DROP FOREIGN KEY `fk_floating_ip_network`');
    await queryRunner.query(
      'ALTER TABLE `port_security_group` DROP FOREIGN KEY `fk_port_security_group_group`',
    );
    await queryRunner.query(
      'ALTER TABLE `port_security_group` DROP FOREIGN KEY `fk_port_security_group_port`',
    );
    await queryRunner.query('ALTER TABLE `security_group_rule` DROP FOREIGN KEY `fk_rule_remote_group`');
    await queryRunner.query('ALTER TABLE `security_group_rule` DROP FOREIGN KEY `fk_rule_security_group`');
    await queryRunner.query(
      'ALTER TABLE `default_security_group` DROP FOREIGN KEY `fk_default_security_group`',
    );
    await queryRunner.query('ALTER TABLE `ip_allocation` DROP FOREIGN KEY `fk_ip_allocation_port`');
    await queryRunner.query('ALTER TABLE `ip_allocation` DROP FOREIGN KEY `fk_ip_allocation_subnet`');
    await queryRunner.query('ALTER TABLE `port` DROP FOREIGN KEY `fk_port_network`');
    await queryRunner.query('ALTER TABLE `subnet` DROP FOREIGN KEY `fk_subnet_network`');
    await queryRunner.query('DROP INDEX `ix_resource_tag_tag` ON `resource_tag`');
    await queryRunner.query('DROP TABLE `resource_tag`');
    await queryRunner.query('DROP TABLE `quota`');
    await queryRunner.query('DROP INDEX `uq_floating_ip_fixed` ON `floating_ip`');
    await queryRunner.query('DROP INDEX `ix_floating_ip_project` ON `floating_ip`');
    await queryRunner.query('DROP INDEX `ix_floating_ip_fixed_port` ON `floating_ip`');
    await queryRunner.query('DROP INDEX `uq_floating_ip_port` ON `floating_ip`');
    await queryRunner.query('DROP TABLE `floating_ip`');
    await queryRunner.query('DROP INDEX `ix_router_project` ON `router`');
    await queryRunner.query('DROP INDEX `ix_router_gateway_network` ON `router`');
    await queryRunner.query('DROP TABLE `router`');
    await queryRunner.query('DROP INDEX `ix_port_security_group_group` ON `port_security_group`');
    await queryRunner.query('DROP TABLE `port_security_group`');
    await queryRunner.query('DROP INDEX `uq_security_group_rule` ON `security_group_rule`');
    await queryRunner.query('DROP INDEX `ix_security_group_rule_project` ON `security_group_rule`');
    await queryRunner.query('DROP INDEX `ix_security_group_rule_remote_group` ON `security_group_rule`');
    await queryRunner.query('DROP TABLE `security_group_rule`');
    await queryRunner.query('DROP TABLE `default_security_group`');
    await queryRunner.query('DROP INDEX `ix_security_group_project` ON `security_group`');
    await queryRunner.query('DROP TABLE `security_group`');
    await queryRunner.query('DROP INDEX `ix_ip_allocation_port` ON `ip_allocation`');
    await queryRunner.query('DROP TABLE `ip_allocation`');
    await queryRunner.query('DROP INDEX `uq_port_network_mac` ON `port`');
    await queryRunner.query('DROP INDEX `ix_port_project` ON `port`');
    await queryRunner.query('DROP INDEX `ix_port_device` ON `port`');
    await queryRunner.query('DROP TABLE `port`');
    await queryRunner.query('DROP INDEX `ix_subnet_project` ON `subnet`');
    await queryRunner.query('DROP INDEX `ix_subnet_network` ON `subnet`');
    await queryRunner.query('DROP TABLE `subnet`');
    await queryRunner.query('DROP INDEX `ix_network_project` ON `network`');
    await queryRunner.query('DROP INDEX `uq_network_segment` ON `network`');
    await queryRunner.query('DROP TABLE `network`');
  }
}
