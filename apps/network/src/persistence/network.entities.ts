import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * The network service's schema. Foreign keys and unique indexes carry the invariants that must
 * hold across replicas (one address per subnet, one MAC per network, no subnet deleted under an
 * allocation), so no process needs a lock of its own.
 */

@Entity('network')
@Index('ix_network_project', ['projectId'])
export class NetworkEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ name: 'admin_state_up', type: 'boolean' })
  adminStateUp: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'boolean' })
  shared: boolean;

  @Column({ type: 'boolean' })
  external: boolean;

  @Column({ type: 'int' })
  mtu: number;

  @Column({ name: 'port_security_enabled', type: 'boolean' })
  portSecurityEnabled: boolean;

  @Column({ name: 'network_type', type: 'varchar', length: 32 })
  networkType: string;

  @Column({ name: 'physical_network', type: 'varchar', length: 64, nullable: true })
  physicalNetwork: string | null;

  @Column({ name: 'segmentation_id', type: 'int', nullable: true })
  segmentationId: number | null;

  /** type:physnet:id, unique, so two networks never get the same VLAN or VNI; null for local networks. */
  @Index('uq_network_segment', { unique: true })
  @Column({ name: 'segment_key', type: 'varchar', length: 128, nullable: true })
  segmentKey: string | null;

  @Column({ name: 'availability_zone_hints', type: 'simple-json' })
  availabilityZoneHints: string[];

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

@Entity('subnet')
@Index('ix_subnet_project', ['projectId'])
export class SubnetEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Index('ix_subnet_network')
  @Column({ name: 'network_id', type: 'varchar', length: 36 })
  networkId: string;

  @ManyToOne(() => NetworkEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'network_id', foreignKeyConstraintName: 'fk_subnet_network' })
  network?: NetworkEntity;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ name: 'ip_version', type: 'int' })
  ipVersion: 4 | 6;

  @Column({ type: 'varchar', length: 64 })
  cidr: string;

  @Column({ name: 'gateway_ip', type: 'varchar', length: 64, nullable: true })
  gatewayIp: string | null;

  @Column({ name: 'enable_dhcp', type: 'boolean' })
  enableDhcp: boolean;

  @Column({ name: 'ipv6_ra_mode', type: 'varchar', length: 32, nullable: true })
  ipv6RaMode: string | null;

  @Column({ name: 'ipv6_address_mode', type: 'varchar', length: 32, nullable: true })
  ipv6AddressMode: string | null;

  @Column({ name: 'allocation_pools', type: 'simple-json' })
  allocationPools: AllocationPool[];

  @Column({ name: 'dns_nameservers', type: 'simple-json' })
  dnsNameservers: string[];

  @Column({ name: 'host_routes', type: 'simple-json' })
  hostRoutes: HostRoute[];

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

/** A JSON object column; values stay loosely typed so TypeORM's deep-partial types stay shallow. */
export type JsonObject = { [key: string]: string | number | boolean | null | object };

export interface AddressPair {
  ip_address: string;
  mac_address: string;
}

@Entity('port')
@Index('uq_port_network_mac', ['networkId', 'macAddress'], { unique: true })
@Index('ix_port_project', ['projectId'])
@Index('ix_port_device', ['deviceId'])
export class PortEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'network_id', type: 'varchar', length: 36 })
  networkId: string;

  @ManyToOne(() => NetworkEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'network_id', foreignKeyConstraintName: 'fk_port_network' })
  network?: NetworkEntity;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ name: 'mac_address', type: 'varchar', length: 32 })
  macAddress: string;

  @Column({ name: 'admin_state_up', type: 'boolean' })
  adminStateUp: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'device_id', type: 'varchar', length: 255 })
  deviceId: string;

  @Column({ name: 'device_owner', type: 'varchar', length: 255 })
  deviceOwner: string;

  @Column({ name: 'port_security_enabled', type: 'boolean' })
  portSecurityEnabled: boolean;

  @Column({ name: 'allowed_address_pairs', type: 'simple-json' })
  allowedAddressPairs: AddressPair[];

  @Column({ name: 'binding_host_id', type: 'varchar', length: 255 })
  bindingHostId: string;

  @Column({ name: 'binding_vif_type', type: 'varchar', length: 64 })
  bindingVifType: string;

  @Column({ name: 'binding_vif_details', type: 'simple-json' })
  bindingVifDetails: JsonObject;

  @Column({ name: 'binding_vnic_type', type: 'varchar', length: 64 })
  bindingVnicType: string;

  @Column({ name: 'binding_profile', type: 'simple-json' })
  bindingProfile: JsonObject;

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

/** One address of one port. The primary key is the IPAM invariant: an address is given out once per subnet. */
@Entity('ip_allocation')
export class IpAllocationEntity {
  @PrimaryColumn({ name: 'subnet_id', type: 'varchar', length: 36 })
  subnetId: string;

  @ManyToOne(() => SubnetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subnet_id', foreignKeyConstraintName: 'fk_ip_allocation_subnet' })
  subnet?: SubnetEntity;

  @PrimaryColumn({ name: 'ip_address', type: 'varchar', length: 64 })
  ipAddress: string;

  @Index('ix_ip_allocation_port')
  @Column({ name: 'port_id', type: 'varchar', length: 36 })
  portId: string;

  @ManyToOne(() => PortEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_id', foreignKeyConstraintName: 'fk_ip_allocation_port' })
  port?: PortEntity;

  @Column({ name: 'network_id', type: 'varchar', length: 36 })
  networkId: string;
}

@Entity('security_group')
@Index('ix_security_group_project', ['projectId'])
export class SecurityGroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ type: 'boolean' })
  stateful: boolean;

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

/** One row per project: the primary key makes "create the default group on first use" safe to race. */
@Entity('default_security_group')
export class DefaultSecurityGroupEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'security_group_id', type: 'varchar', length: 36 })
  securityGroupId: string;

  @ManyToOne(() => SecurityGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'security_group_id', foreignKeyConstraintName: 'fk_default_security_group' })
  securityGroup?: SecurityGroupEntity;
}

@Entity('security_group_rule')
@Index('uq_security_group_rule', ['securityGroupId', 'fingerprint'], { unique: true })
@Index('ix_security_group_rule_project', ['projectId'])
export class SecurityGroupRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'security_group_id', type: 'varchar', length: 36 })
  securityGroupId: string;

  @ManyToOne(() => SecurityGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'security_group_id', foreignKeyConstraintName: 'fk_rule_security_group' })
  securityGroup?: SecurityGroupEntity;

  @Column({ type: 'varchar', length: 16 })
  direction: string;

  @Column({ type: 'varchar', length: 8 })
  ethertype: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  protocol: string | null;

  @Column({ name: 'port_range_min', type: 'int', nullable: true })
  portRangeMin: number | null;

  @Column({ name: 'port_range_max', type: 'int', nullable: true })
  portRangeMax: number | null;

  @Column({ name: 'remote_ip_prefix', type: 'varchar', length: 64, nullable: true })
  remoteIpPrefix: string | null;

  @Index('ix_security_group_rule_remote_group')
  @Column({ name: 'remote_group_id', type: 'varchar', length: 36, nullable: true })
  remoteGroupId: string | null;

  @ManyToOne(() => SecurityGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'remote_group_id', foreignKeyConstraintName: 'fk_rule_remote_group' })
  remoteGroup?: SecurityGroupEntity;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  /** A digest of what the rule matches: the unique index answers duplicates even when two requests race. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

@Entity('port_security_group')
export class PortSecurityGroupEntity {
  @PrimaryColumn({ name: 'port_id', type: 'varchar', length: 36 })
  portId: string;

  @ManyToOne(() => PortEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_id', foreignKeyConstraintName: 'fk_port_security_group_port' })
  port?: PortEntity;

  @Index('ix_port_security_group_group')
  @PrimaryColumn({ name: 'security_group_id', type: 'varchar', length: 36 })
  securityGroupId: string;

  @ManyToOne(() => SecurityGroupEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'security_group_id', foreignKeyConstraintName: 'fk_port_security_group_group' })
  securityGroup?: SecurityGroupEntity;
}

export interface RouterRoute {
  destination: string;
  nexthop: string;
}

@Entity('router')
@Index('ix_router_project', ['projectId'])
export class RouterEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ name: 'admin_state_up', type: 'boolean' })
  adminStateUp: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Index('ix_router_gateway_network')
  @Column({ name: 'gateway_network_id', type: 'varchar', length: 36, nullable: true })
  gatewayNetworkId: string | null;

  @Column({ name: 'gateway_port_id', type: 'varchar', length: 36, nullable: true })
  gatewayPortId: string | null;

  @Column({ name: 'enable_snat', type: 'boolean' })
  enableSnat: boolean;

  @Column({ type: 'simple-json' })
  routes: RouterRoute[];

  @Column({ name: 'availability_zone_hints', type: 'simple-json' })
  availabilityZoneHints: string[];

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

@Entity('floating_ip')
@Index('uq_floating_ip_fixed', ['floatingNetworkId', 'fixedPortId', 'fixedIpAddress'], { unique: true })
@Index('ix_floating_ip_project', ['projectId'])
export class FloatingIpEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'floating_network_id', type: 'varchar', length: 36 })
  floatingNetworkId: string;

  @ManyToOne(() => NetworkEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'floating_network_id', foreignKeyConstraintName: 'fk_floating_ip_network' })
  floatingNetwork?: NetworkEntity;

  @Index('uq_floating_ip_port', { unique: true })
  @Column({ name: 'floating_port_id', type: 'varchar', length: 36 })
  floatingPortId: string;

  @ManyToOne(() => PortEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'floating_port_id', foreignKeyConstraintName: 'fk_floating_ip_floating_port' })
  floatingPort?: PortEntity;

  @Column({ name: 'floating_subnet_id', type: 'varchar', length: 36 })
  floatingSubnetId: string;

  @Column({ name: 'floating_ip_address', type: 'varchar', length: 64 })
  floatingIpAddress: string;

  @Index('ix_floating_ip_fixed_port')
  @Column({ name: 'fixed_port_id', type: 'varchar', length: 36, nullable: true })
  fixedPortId: string | null;

  @ManyToOne(() => PortEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'fixed_port_id', foreignKeyConstraintName: 'fk_floating_ip_fixed_port' })
  fixedPort?: PortEntity;

  @Column({ name: 'fixed_ip_address', type: 'varchar', length: 64, nullable: true })
  fixedIpAddress: string | null;

  @Column({ name: 'router_id', type: 'varchar', length: 36, nullable: true })
  routerId: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ name: 'revision_number', type: 'int' })
  revisionNumber: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

@Entity('quota')
export class QuotaEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  resource: string;

  @Column({ name: 'hard_limit', type: 'int' })
  limit: number;
}

/** Tags of every taggable resource; ids are UUIDs, so one table serves all of them. */
@Entity('resource_tag')
export class ResourceTagEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 36 })
  resourceId: string;

  @Index('ix_resource_tag_tag')
  @PrimaryColumn({ type: 'varchar', length: 255 })
  tag: string;
}

export const NETWORK_ENTITIES = [
  NetworkEntity,
  SubnetEntity,
  PortEntity,
  IpAllocationEntity,
  SecurityGroupEntity,
  DefaultSecurityGroupEntity,
  SecurityGroupRuleEntity,
  PortSecurityGroupEntity,
  RouterEntity,
  FloatingIpEntity,
  QuotaEntity,
  ResourceTagEntity,
];
