import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795736322137 implements MigrationInterface {
  name = 'InitialSchema1795736322137';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "network" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "admin_state_up" boolean NOT NULL, "status" varchar(16) NOT NULL, "shared" boolean NOT NULL, "external" boolean NOT NULL, "mtu" integer NOT NULL, "port_security_enabled" boolean NOT NULL, "network_type" varchar(32) NOT NULL, "physical_network" varchar(64), "segmentation_id" integer, "segment_key" varchar(128), "availability_zone_hints" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_network_segment" ON "network" ("segment_key") ');
    await queryRunner.query('CREATE INDEX "ix_network_project" ON "network" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "subnet" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "ip_version" integer NOT NULL, "cidr" varchar(64) NOT NULL, "gateway_ip" varchar(64), "enable_dhcp" boolean NOT NULL, "ipv6_ra_mode" varchar(32), "ipv6_address_mode" varchar(32), "allocation_pools" text NOT NULL, "dns_nameservers" text NOT NULL, "host_routes" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_subnet_network" ON "subnet" ("network_id") ');
    await queryRunner.query('CREATE INDEX "ix_subnet_project" ON "subnet" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "port" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "mac_address" varchar(32) NOT NULL, "admin_state_up" boolean NOT NULL, "status" varchar(16) NOT NULL, "device_id" varchar(255) NOT NULL, "device_owner" varchar(255) NOT NULL, "port_security_enabled" boolean NOT NULL, "allowed_address_pairs" text NOT NULL, "binding_host_id" varchar(255) NOT NULL, "binding_vif_type" varchar(64) NOT NULL, "binding_vif_details" text NOT NULL, "binding_vnic_type" varchar(64) NOT NULL, "binding_profile" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_port_device" ON "port" ("device_id") ');
    await queryRunner.query('CREATE INDEX "ix_port_project" ON "port" ("project_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_port_network_mac" ON "port" ("network_id", "mac_address") ',
    );
    await queryRunner.query(
      'CREATE TABLE "ip_allocation" ("subnet_id" varchar(36) NOT NULL, "ip_address" varchar(64) NOT NULL, "port_id" varchar(36) NOT NULL, "network_id" varchar(36) NOT NULL, PRIMARY KEY ("subnet_id", "ip_address"))',
    );
    await queryRunner.query('CREATE INDEX "ix_ip_allocation_port" ON "ip_allocation" ("port_id") ');
    await queryRunner.query(
      'CREATE TABLE "security_group" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "stateful" boolean NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_security_group_project" ON "security_group" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "default_security_group" ("project_id" varchar(64) PRIMARY KEY NOT NULL, "security_group_id" varchar(36) NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "security_group_rule" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "security_group_id" varchar(36) NOT NULL, "direction" varchar(16) NOT NULL, "ethertype" varchar(8) NOT NULL, "protocol" varchar(40), "port_range_min" integer, "port_range_max" integer, "remote_ip_prefix" varchar(64), "remote_group_id" varchar(36), "description" varchar(255) NOT NULL, "fingerprint" varchar(64) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_remote_group" ON "security_group_rule" ("remote_group_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_project" ON "security_group_rule" ("project_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_security_group_rule" ON "security_group_rule" ("security_group_id", "fingerprint") ',
    );
    await queryRunner.query(
      'CREATE TABLE "port_security_group" ("port_id" varchar(36) NOT NULL, "security_group_id" varchar(36) NOT NULL, PRIMARY KEY ("port_id", "security_group_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_port_security_group_group" ON "port_security_group" ("security_group_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "router" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "admin_state_up" boolean NOT NULL, "status" varchar(16) NOT NULL, "gateway_network_id" varchar(36), "gateway_port_id" varchar(36), "enable_snat" boolean NOT NULL, "routes" text NOT NULL, "availability_zone_hints" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_router_gateway_network" ON "router" ("gateway_network_id") ');
    await queryRunner.query('CREATE INDEX "ix_router_project" ON "router" ("project_id") ');
    await queryRunner.query(
      'CREATE TABLE "floating_ip" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "floating_network_id" varchar(36) NOT NULL, "floating_port_id" varchar(36) NOT NULL, "floating_subnet_id" varchar(36) NOT NULL, "floating_ip_address" varchar(64) NOT NULL, "fixed_port_id" varchar(36), "fixed_ip_address" varchar(64), "router_id" varchar(36), "status" varchar(16) NOT NULL, "description" varchar(255) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_port" ON "floating_ip" ("floating_port_id") ',
    );
    await queryRunner.query('CREATE INDEX "ix_floating_ip_fixed_port" ON "floating_ip" ("fixed_port_id") ');
    await queryRunner.query('CREATE INDEX "ix_floating_ip_project" ON "floating_ip" ("project_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_fixed" ON "floating_ip" ("floating_network_id", "fixed_port_id", "fixed_ip_address") ',
    );
    await queryRunner.query(
      'CREATE TABLE "quota" ("project_id" varchar(64) NOT NULL, "resource" varchar(32) NOT NULL, "hard_limit" integer NOT NULL, PRIMARY KEY ("project_id", "resource"))',
    );
    await queryRunner.query(
      'CREATE TABLE "resource_tag" ("resource_id" varchar(36) NOT NULL, "tag" varchar(255) NOT NULL, PRIMARY KEY ("resource_id", "tag"))',
    );
    await queryRunner.query('CREATE INDEX "ix_resource_tag_tag" ON "resource_tag" ("tag") ');
    await queryRunner.query('DROP INDEX "ix_subnet_network"');
    await queryRunner.query('DROP INDEX "ix_subnet_project"');
    await queryRunner.query(
      'CREATE TABLE "temporary_subnet" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "ip_version" integer NOT NULL, "cidr" varchar(64) NOT NULL, "gateway_ip" varchar(64), "enable_dhcp" boolean NOT NULL, "ipv6_ra_mode" varchar(32), "ipv6_address_mode" varchar(32), "allocation_pools" text NOT NULL, "dns_nameservers" text NOT NULL, "host_routes" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "fk_subnet_network" FOREIGN KEY ("network_id") REFERENCES "network" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_subnet"("id", "project_id", "network_id", "name", "description", "ip_version", "cidr", "gateway_ip", "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "allocation_pools", "dns_nameservers", "host_routes", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "network_id", "name", "description", "ip_version", "cidr", "gateway_ip", "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "allocation_pools", "dns_nameservers", "host_routes", "revision_number", "created_at", "updated_at" FROM "subnet"',
    );
    await queryRunner.query('DROP TABLE "subnet"');
    await queryRunner.query('ALTER TABLE "temporary_subnet" RENAME TO "subnet"');
    await queryRunner.query('CREATE INDEX "ix_subnet_network" ON "subnet" ("network_id") ');
    await queryRunner.query('CREATE INDEX "ix_subnet_project" ON "subnet" ("project_id") ');
    await queryRunner.query('DROP INDEX "ix_port_device"');
    await queryRunner.query('DROP INDEX "ix_port_project"');
    await queryRunner.query('DROP INDEX "uq_port_network_mac"');
    await queryRunner.query(
      'CREATE TABLE "temporary_port" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "mac_address" varchar(32) NOT NULL, "admin_state_up" boolean NOT NULL, "status" varchar(16) NOT NULL, "device_id" varchar(255) NOT NULL, "device_owner" varchar(255) NOT NULL, "port_security_enabled" boolean NOT NULL, "allowed_address_pairs" text NOT NULL, "binding_host_id" varchar(255) NOT NULL, "binding_vif_type" varchar(64) NOT NULL, "binding_vif_details" text NOT NULL, "binding_vnic_type" varchar(64) NOT NULL, "binding_profile" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "fk_port_network" FOREIGN KEY ("network_id") REFERENCES "network" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_port"("id", "project_id", "network_id", "name", "description", "mac_address", "admin_state_up", "status", "device_id", "device_owner", "port_security_enabled", "allowed_address_pairs", "binding_host_id", "binding_vif_type", "binding_vif_details", "binding_vnic_type", "binding_profile", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "network_id", "name", "description", "mac_address", "admin_state_up", "status", "device_id", "device_owner", "port_security_enabled", "allowed_address_pairs", "binding_host_id", "binding_vif_type", "binding_vif_details", "binding_vnic_type", "binding_profile", "revision_number", "created_at", "updated_at" FROM "port"',
    );
    await queryRunner.query('DROP TABLE "port"');
    await queryRunner.query('ALTER TABLE "temporary_port" RENAME TO "port"');
    await queryRunner.query('CREATE INDEX "ix_port_device" ON "port" ("device_id") ');
    await queryRunner.query('CREATE INDEX "ix_port_project" ON "port" ("project_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_port_network_mac" ON "port" ("network_id", "mac_address") ',
    );
    await queryRunner.query('DROP INDEX "ix_ip_allocation_port"');
    await queryRunner.query(
      'CREATE TABLE "temporary_ip_allocation" ("subnet_id" varchar(36) NOT NULL, "ip_address" varchar(64) NOT NULL, "port_id" varchar(36) NOT NULL, "network_id" varchar(36) NOT NULL, CONSTRAINT "fk_ip_allocation_subnet" FOREIGN KEY ("subnet_id") REFERENCES "subnet" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "fk_ip_allocation_port" FOREIGN KEY ("port_id") REFERENCES "port" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("subnet_id", "ip_address"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_ip_allocation"("subnet_id", "ip_address", "port_id", "network_id") SELECT "subnet_id", "ip_address", "port_id", "network_id" FROM "ip_allocation"',
    );
    await queryRunner.query('DROP TABLE "ip_allocation"');
    await queryRunner.query('ALTER TABLE "temporary_ip_allocation" RENAME TO "ip_allocation"');
    await queryRunner.query('CREATE INDEX "ix_ip_allocation_port" ON "ip_allocation" ("port_id") ');
    await queryRunner.query(
      'CREATE TABLE "temporary_default_security_group" ("project_id" varchar(64) PRIMARY KEY NOT NULL, "security_group_id" varchar(36) NOT NULL, CONSTRAINT "fk_default_security_group" FOREIGN KEY ("security_group_id") REFERENCES "security_group" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_default_security_group"("project_id", "security_group_id") SELECT "project_id", "security_group_id" FROM "default_security_group"',
    );
    await queryRunner.query('DROP TABLE "default_security_group"');
    await queryRunner.query(
      'ALTER TABLE "temporary_default_security_group" RENAME TO "default_security_group"',
    );
    await queryRunner.query('DROP INDEX "ix_security_group_rule_remote_group"');
    await queryRunner.query('DROP INDEX "ix_security_group_rule_project"');
    await queryRunner.query('DROP INDEX "uq_security_group_rule"');
    await queryRunner.query(
      'CREATE TABLE "temporary_security_group_rule" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "security_group_id" varchar(36) NOT NULL, "direction" varchar(16) NOT NULL, "ethertype" varchar(8) NOT NULL, "protocol" varchar(40), "port_range_min" integer, "port_range_max" integer, "remote_ip_prefix" varchar(64), "remote_group_id" varchar(36), "description" varchar(255) NOT NULL, "fingerprint" varchar(64) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "fk_rule_security_group" FOREIGN KEY ("security_group_id") REFERENCES "security_group" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_rule_remote_group" FOREIGN KEY ("remote_group_id") REFERENCES "security_group" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_security_group_rule"("id", "project_id", "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description", "fingerprint", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description", "fingerprint", "revision_number", "created_at", "updated_at" FROM "security_group_rule"',
    );
    await queryRunner.query('DROP TABLE "security_group_rule"');
    await queryRunner.query('ALTER TABLE "temporary_security_group_rule" RENAME TO "security_group_rule"');
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_remote_group" ON "security_group_rule" ("remote_group_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_project" ON "security_group_rule" ("project_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_security_group_rule" ON "security_group_rule" ("security_group_id", "fingerprint") ',
    );
    await queryRunner.query('DROP INDEX "ix_port_security_group_group"');
    await queryRunner.query(
      'CREATE TABLE "temporary_port_security_group" ("port_id" varchar(36) NOT NULL, "security_group_id" varchar(36) NOT NULL, CONSTRAINT "fk_port_security_group_port" FOREIGN KEY ("port_id") REFERENCES "port" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_port_security_group_group" FOREIGN KEY ("security_group_id") REFERENCES "security_group" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("port_id", "security_group_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_port_security_group"("port_id", "security_group_id") SELECT "port_id", "security_group_id" FROM "port_security_group"',
    );
    await queryRunner.query('DROP TABLE "port_security_group"');
    await queryRunner.query('ALTER TABLE "temporary_port_security_group" RENAME TO "port_security_group"');
    await queryRunner.query(
      'CREATE INDEX "ix_port_security_group_group" ON "port_security_group" ("security_group_id") ',
    );
    await queryRunner.query('DROP INDEX "uq_floating_ip_port"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_fixed_port"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_project"');
    await queryRunner.query('DROP INDEX "uq_floating_ip_fixed"');
    await queryRunner.query(
      'CREATE TABLE "temporary_floating_ip" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "floating_network_id" varchar(36) NOT NULL, "floating_port_id" varchar(36) NOT NULL, "floating_subnet_id" varchar(36) NOT NULL, "floating_ip_address" varchar(64) NOT NULL, "fixed_port_id" varchar(36), "fixed_ip_address" varchar(64), "router_id" varchar(36), "status" varchar(16) NOT NULL, "description" varchar(255) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "fk_floating_ip_network" FOREIGN KEY ("floating_network_id") REFERENCES "network" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "fk_floating_ip_floating_port" FOREIGN KEY ("floating_port_id") REFERENCES "port" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "fk_floating_ip_fixed_port" FOREIGN KEY ("fixed_port_id") REFERENCES "port" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_floating_ip"("id", "project_id", "floating_network_id", "floating_port_id", "floating_subnet_id", "floating_ip_address", "fixed_port_id", "fixed_ip_address", "router_id", "status", "description", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "floating_network_id", "floating_port_id", "floating_subnet_id", "floating_ip_address", "fixed_port_id", "fixed_ip_address", "router_id", "status", "description", "revision_number", "created_at", "updated_at" FROM "floating_ip"',
    );
    await queryRunner.query('DROP TABLE "floating_ip"');
    await queryRunner.query('ALTER TABLE "temporary_floating_ip" RENAME TO "floating_ip"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_port" ON "floating_ip" ("floating_port_id") ',
    );
    await queryRunner.query('CREATE INDEX "ix_floating_ip_fixed_port" ON "floating_ip" ("fixed_port_id") ');
    await queryRunner.query('CREATE INDEX "ix_floating_ip_project" ON "floating_ip" ("project_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_fixed" ON "floating_ip" ("floating_network_id", "fixed_port_id", "fixed_ip_address") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_floating_ip_fixed"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_project"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_fixed_port"');
    await queryRunner.query('DROP INDEX "uq_floating_ip_port"');
    await queryRunner.query('ALTER TABLE "floating_ip" RENAME TO "temporary_floating_ip"');
    await queryRunner.query(
      'CREATE TABLE "floating_ip" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "floating_network_id" varchar(36) NOT NULL, "floating_port_id" varchar(36) NOT NULL, "floating_subnet_id" varchar(36) NOT NULL, "floating_ip_address" varchar(64) NOT NULL, "fixed_port_id" varchar(36), "fixed_ip_address" varchar(64), "router_id" varchar(36), "status" varchar(16) NOT NULL, "description" varchar(255) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "floating_ip"("id", "project_id", "floating_network_id", "floating_port_id", "floating_subnet_id", "floating_ip_address", "fixed_port_id", "fixed_ip_address", "router_id", "status", "description", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "floating_network_id", "floating_port_id", "floating_subnet_id", "floating_ip_address", "fixed_port_id", "fixed_ip_address", "router_id", "status", "description", "revision_number", "created_at", "updated_at" FROM "temporary_floating_ip"',
    );
    await queryRunner.query('DROP TABLE "temporary_floating_ip"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_fixed" ON "floating_ip" ("floating_network_id", "fixed_port_id", "fixed_ip_address") ',
    );
    await queryRunner.query('CREATE INDEX "ix_floating_ip_project" ON "floating_ip" ("project_id") ');
    await queryRunner.query('CREATE INDEX "ix_floating_ip_fixed_port" ON "floating_ip" ("fixed_port_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_floating_ip_port" ON "floating_ip" ("floating_port_id") ',
    );
    await queryRunner.query('DROP INDEX "ix_port_security_group_group"');
    await queryRunner.query('ALTER TABLE "port_security_group" RENAME TO "temporary_port_security_group"');
    await queryRunner.query(
      'CREATE TABLE "port_security_group" ("port_id" varchar(36) NOT NULL, "security_group_id" varchar(36) NOT NULL, PRIMARY KEY ("port_id", "security_group_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "port_security_group"("port_id", "security_group_id") SELECT "port_id", "security_group_id" FROM "temporary_port_security_group"',
    );
    await queryRunner.query('DROP TABLE "temporary_port_security_group"');
    await queryRunner.query(
      'CREATE INDEX "ix_port_security_group_group" ON "port_security_group" ("security_group_id") ',
    );
    await queryRunner.query('DROP INDEX "uq_security_group_rule"');
    await queryRunner.query('DROP INDEX "ix_security_group_rule_project"');
    await queryRunner.query('DROP INDEX "ix_security_group_rule_remote_group"');
    await queryRunner.query('ALTER TABLE "security_group_rule" RENAME TO "temporary_security_group_rule"');
    await queryRunner.query(
      'CREATE TABLE "security_group_rule" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "security_group_id" varchar(36) NOT NULL, "direction" varchar(16) NOT NULL, "ethertype" varchar(8) NOT NULL, "protocol" varchar(40), "port_range_min" integer, "port_range_max" integer, "remote_ip_prefix" varchar(64), "remote_group_id" varchar(36), "description" varchar(255) NOT NULL, "fingerprint" varchar(64) NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "security_group_rule"("id", "project_id", "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description", "fingerprint", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description", "fingerprint", "revision_number", "created_at", "updated_at" FROM "temporary_security_group_rule"',
    );
    await queryRunner.query('DROP TABLE "temporary_security_group_rule"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_security_group_rule" ON "security_group_rule" ("security_group_id", "fingerprint") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_project" ON "security_group_rule" ("project_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_security_group_rule_remote_group" ON "security_group_rule" ("remote_group_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "default_security_group" RENAME TO "temporary_default_security_group"',
    );
    await queryRunner.query(
      'CREATE TABLE "default_security_group" ("project_id" varchar(64) PRIMARY KEY NOT NULL, "security_group_id" varchar(36) NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "default_security_group"("project_id", "security_group_id") SELECT "project_id", "security_group_id" FROM "temporary_default_security_group"',
    );
    await queryRunner.query('DROP TABLE "temporary_default_security_group"');
    await queryRunner.query('DROP INDEX "ix_ip_allocation_port"');
    await queryRunner.query('ALTER TABLE "ip_allocation" RENAME TO "temporary_ip_allocation"');
    await queryRunner.query(
      'CREATE TABLE "ip_allocation" ("subnet_id" varchar(36) NOT NULL, "ip_address" varchar(64) NOT NULL, "port_id" varchar(36) NOT NULL, "network_id" varchar(36) NOT NULL, PRIMARY KEY ("subnet_id", "ip_address"))',
    );
    await queryRunner.query(
      'INSERT INTO "ip_allocation"("subnet_id", "ip_address", "port_id", "network_id") SELECT "subnet_id", "ip_address", "port_id", "network_id" FROM "temporary_ip_allocation"',
    );
    await queryRunner.query('DROP TABLE "temporary_ip_allocation"');
    await queryRunner.query('CREATE INDEX "ix_ip_allocation_port" ON "ip_allocation" ("port_id") ');
    await queryRunner.query('DROP INDEX "uq_port_network_mac"');
    await queryRunner.query('DROP INDEX "ix_port_project"');
    await queryRunner.query('DROP INDEX "ix_port_device"');
    await queryRunner.query('ALTER TABLE "port" RENAME TO "temporary_port"');
    await queryRunner.query(
      'CREATE TABLE "port" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "mac_address" varchar(32) NOT NULL, "admin_state_up" boolean NOT NULL, "status" varchar(16) NOT NULL, "device_id" varchar(255) NOT NULL, "device_owner" varchar(255) NOT NULL, "port_security_enabled" boolean NOT NULL, "allowed_address_pairs" text NOT NULL, "binding_host_id" varchar(255) NOT NULL, "binding_vif_type" varchar(64) NOT NULL, "binding_vif_details" text NOT NULL, "binding_vnic_type" varchar(64) NOT NULL, "binding_profile" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "port"("id", "project_id", "network_id", "name", "description", "mac_address", "admin_state_up", "status", "device_id", "device_owner", "port_security_enabled", "allowed_address_pairs", "binding_host_id", "binding_vif_type", "binding_vif_details", "binding_vnic_type", "binding_profile", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "network_id", "name", "description", "mac_address", "admin_state_up", "status", "device_id", "device_owner", "port_security_enabled", "allowed_address_pairs", "binding_host_id", "binding_vif_type", "binding_vif_details", "binding_vnic_type", "binding_profile", "revision_number", "created_at", "updated_at" FROM "temporary_port"',
    );
    await queryRunner.query('DROP TABLE "temporary_port"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_port_network_mac" ON "port" ("network_id", "mac_address") ',
    );
    await queryRunner.query('CREATE INDEX "ix_port_project" ON "port" ("project_id") ');
    await queryRunner.query('CREATE INDEX "ix_port_device" ON "port" ("device_id") ');
    await queryRunner.query('DROP INDEX "ix_subnet_project"');
    await queryRunner.query('DROP INDEX "ix_subnet_network"');
    await queryRunner.query('ALTER TABLE "subnet" RENAME TO "temporary_subnet"');
    await queryRunner.query(
      'CREATE TABLE "subnet" ("id" varchar(36) PRIMARY KEY NOT NULL, "project_id" varchar(64) NOT NULL, "network_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "description" varchar(255) NOT NULL, "ip_version" integer NOT NULL, "cidr" varchar(64) NOT NULL, "gateway_ip" varchar(64), "enable_dhcp" boolean NOT NULL, "ipv6_ra_mode" varchar(32), "ipv6_address_mode" varchar(32), "allocation_pools" text NOT NULL, "dns_nameservers" text NOT NULL, "host_routes" text NOT NULL, "revision_number" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "subnet"("id", "project_id", "network_id", "name", "description", "ip_version", "cidr", "gateway_ip", "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "allocation_pools", "dns_nameservers", "host_routes", "revision_number", "created_at", "updated_at") SELECT "id", "project_id", "network_id", "name", "description", "ip_version", "cidr", "gateway_ip", "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "allocation_pools", "dns_nameservers", "host_routes", "revision_number", "created_at", "updated_at" FROM "temporary_subnet"',
    );
    await queryRunner.query('DROP TABLE "temporary_subnet"');
    await queryRunner.query('CREATE INDEX "ix_subnet_project" ON "subnet" ("project_id") ');
    await queryRunner.query('CREATE INDEX "ix_subnet_network" ON "subnet" ("network_id") ');
    await queryRunner.query('DROP INDEX "ix_resource_tag_tag"');
    await queryRunner.query('DROP TABLE "resource_tag"');
    await queryRunner.query('DROP TABLE "quota"');
    await queryRunner.query('DROP INDEX "uq_floating_ip_fixed"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_project"');
    await queryRunner.query('DROP INDEX "ix_floating_ip_fixed_port"');
    await queryRunner.query('DROP INDEX "uq_floating_ip_port"');
    await queryRunner.query('DROP TABLE "floating_ip"');
    await queryRunner.query('DROP INDEX "ix_router_project"');
    await queryRunner.query('DROP INDEX "ix_router_gateway_network"');
    await queryRunner.query('DROP TABLE "router"');
    await queryRunner.query('DROP INDEX "ix_port_security_group_group"');
    await queryRunner.query('DROP TABLE "port_security_group"');
    await queryRunner.query('DROP INDEX "uq_security_group_rule"');
    await queryRunner.query('DROP INDEX "ix_security_group_rule_project"');
    await queryRunner.query('DROP INDEX "ix_security_group_rule_remote_group"');
    await queryRunner.query('DROP TABLE "security_group_rule"');
    await queryRunner.query('DROP TABLE "default_security_group"');
    await queryRunner.query('DROP INDEX "ix_security_group_project"');
    await queryRunner.query('DROP TABLE "security_group"');
    await queryRunner.query('DROP INDEX "ix_ip_allocation_port"');
    await queryRunner.query('DROP TABLE "ip_allocation"');
    await queryRunner.query('DROP INDEX "uq_port_network_mac"');
    await queryRunner.query('DROP INDEX "ix_port_project"');
    await queryRunner.query('DROP INDEX "ix_port_device"');
    await queryRunner.query('DROP TABLE "port"');
    await queryRunner.query('DROP INDEX "ix_subnet_project"');
    await queryRunner.query('DROP INDEX "ix_subnet_network"');
    await queryRunner.query('DROP TABLE "subnet"');
    await queryRunner.query('DROP INDEX "ix_network_project"');
    await queryRunner.query('DROP INDEX "uq_network_segment"');
    await queryRunner.query('DROP TABLE "network"');
  }
}
