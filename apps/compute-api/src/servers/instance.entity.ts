import type { HostChoice, ImageSpec } from '@stratus/contracts';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The flavor as it was when the server got it: flavors may change or go, servers keep theirs. */
export interface InstanceFlavor {
  id: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swap: number;
  extraSpecs: Record<string, string>;
}

/** One entry of the request's `networks`. */
export interface RequestedNetwork {
  networkId?: string;
  /** Known from checking the request, so building need not ask again. */
  networkName?: string;
  portId?: string;
  fixedIp?: string;
  tag?: string;
}

/** A plugged port: Nova's network info cache entry. */
export interface InstanceVif {
  portId: string;
  networkId: string;
  networkName: string;
  macAddress: string;
  mtu: number;
  /** Ports compute created are deleted with the server; ports the user brought are only released. */
  createdByCompute: boolean;
  tag: string | null;
  bridge: string;
  fixedIps: {
    subnetId: string;
    address: string;
    version: 4 | 6;
    cidr: string;
    gatewayIp: string | null;
    dnsNameservers: string[];
    /** The subnet's DHCP, for the host to answer the guest; absent on vifs stored before DHCP. */
    enableDhcp?: boolean;
    dhcpServerIp?: string | null;
  }[];
}

export interface InstanceFaultRecord {
  code: number;
  message: string;
  details: string | null;
  created: string;
}

export interface KernelBoot {
  kernel: ImageSpec;
  ramdisk: ImageSpec | null;
  commandLine: string | null;
}

/**
 * A volume of the server, Nova's block device mapping: the root volume of a server booted from a
 * volume, volumes created or attached at boot, and volumes attached later.
 */
export interface BlockDevice {
  /** Where the volume comes from, and the id of that image, snapshot or volume (none when blank). */
  sourceType: 'image' | 'snapshot' | 'volume' | 'blank';
  sourceId: string | null;
  /** 0 for the root volume; null for the others. */
  bootIndex: number | null;
  /** GiB, for volumes compute creates. */
  volumeSize: number | null;
  volumeType: string | null;
  deleteOnTermination: boolean;
  /** The guest device, /dev/vda for the root volume. */
  deviceName: string | null;
  tag: string | null;
  /** Known once the volume exists. */
  volumeId: string | null;
  /** The attachment that holds the volume for this server on its current host. */
  attachmentId: string | null;
  /** How the host reaches the volume, from the attachment's connection info; what a rebuild plugs again. */
  connection: { path: string; format: 'raw' | 'qcow2'; readOnly: boolean } | null;
}

/** What placement was asked for, kept for reschedules. */
export interface SchedulerHints {
  availabilityZone?: string;
  forceHost?: string;
  sameHost?: string[];
  differentHost?: string[];
}

/** What a server is doing that the agent will finish: builds, rebuilds, resizes and deletes. */
export type PendingOperation =
  'build' | 'rebuild' | 'resize' | 'revert-resize' | 'delete' | 'power' | 'snapshot';

export const blockDevicesOf = (instance: InstanceEntity): BlockDevice[] => instance.blockDevices ?? [];

/** The volume the server boots from, when it boots from one. */
export const rootVolumeOf = (instance: InstanceEntity): BlockDevice | undefined =>
  blockDevicesOf(instance).find((device) => device.bootIndex === 0);

/** The image a root volume was made from: its source, or the image_id of its image metadata. */
export const volumeImageOf = (instance: InstanceEntity, root: BlockDevice): string | null =>
  root.sourceType === 'image' ? root.sourceId : (instance.imageProperties.image_id ?? null);

@Entity('instance')
@Index('ix_instance_project', ['projectId', 'deleted'])
export class InstanceEntity {
  /** Gives the hypervisor-level name, instance-0000002a. */
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_instance_uuid', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  uuid: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  /** Empty when the server boots from a volume. */
  @Column({ name: 'image_ref', type: 'varchar', length: 36 })
  imageRef: string;

  @Column({ name: 'image_properties', type: 'simple-json' })
  imageProperties: Record<string, string>;

  /** What the host needs to fetch and check the image, fixed when the server was built or rebuilt. */
  @Column({ name: 'image_spec', type: 'simple-json', nullable: true })
  imageSpec: ImageSpec | null;

  /** The image's kernel_id and ramdisk_id images and os_command_line, for direct kernel boot. */
  @Column({ name: 'kernel_boot', type: 'simple-json', nullable: true })
  kernelBoot: KernelBoot | null;

  /** Null for servers older than the column: read it through blockDevicesOf(). */
  @Column({ name: 'block_devices', type: 'simple-json', nullable: true })
  blockDevices: BlockDevice[] | null;

  @Column({ type: 'simple-json' })
  flavor: InstanceFlavor;

  /** During a resize: the flavor to go back to on revert. */
  @Column({ name: 'old_flavor', type: 'simple-json', nullable: true })
  oldFlavor: InstanceFlavor | null;

  @Column({ name: 'key_name', type: 'varchar', length: 255, nullable: true })
  keyName: string | null;

  @Column({ name: 'key_data', type: 'text', nullable: true })
  keyData: string | null;

  /** Base64, as the client sent it. */
  @Column({ name: 'user_data', type: 'text', nullable: true })
  userData: string | null;

  @Column({ type: 'simple-json' })
  metadata: Record<string, string>;

  @Column({ type: 'simple-json' })
  tags: string[];

  @Column({ name: 'security_groups', type: 'simple-json' })
  securityGroups: string[];

  @Column({ name: 'requested_networks', type: 'simple-json' })
  requestedNetworks: RequestedNetwork[] | 'auto' | 'none';

  @Column({ type: 'simple-json' })
  vifs: InstanceVif[];

  @Column({ name: 'vm_state', type: 'varchar', length: 32 })
  vmState: string;

  @Column({ name: 'task_state', type: 'varchar', length: 32, nullable: true })
  taskState: string | null;

  @Column({ name: 'power_state', type: 'int' })
  powerState: number;

  @Index('ix_instance_host')
  @Column({ type: 'varchar', length: 255, nullable: true })
  host: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  node: string | null;

  @Column({ name: 'availability_zone', type: 'varchar', length: 255, nullable: true })
  availabilityZone: string | null;

  @Column({ name: 'launched_at', type: 'datetime', nullable: true })
  launchedAt: Date | null;

  @Column({ name: 'terminated_at', type: 'datetime', nullable: true })
  terminatedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;

  @Column({ type: 'boolean' })
  deleted: boolean;

  @Column({ name: 'deleted_at', type: 'datetime', nullable: true })
  deletedAt: Date | null;

  @Column({ type: 'boolean' })
  locked: boolean;

  /** 'admin' or 'owner': an owner cannot lift an admin's lock. */
  @Column({ name: 'locked_by', type: 'varchar', length: 8, nullable: true })
  lockedBy: 'admin' | 'owner' | null;

  @Column({ type: 'varchar', length: 255 })
  hostname: string;

  @Column({ name: 'reservation_id', type: 'varchar', length: 16 })
  reservationId: string;

  @Column({ name: 'launch_index', type: 'int' })
  launchIndex: number;

  @Column({ name: 'config_drive', type: 'varchar', length: 8 })
  configDrive: string;

  @Column({ name: 'access_ip_v4', type: 'varchar', length: 64, nullable: true })
  accessIpV4: string | null;

  @Column({ name: 'access_ip_v6', type: 'varchar', length: 64, nullable: true })
  accessIpV6: string | null;

  @Column({ name: 'disk_config', type: 'varchar', length: 8 })
  diskConfig: 'AUTO' | 'MANUAL';

  @Index('ix_instance_server_group')
  @Column({ name: 'server_group_id', type: 'varchar', length: 36, nullable: true })
  serverGroupId: string | null;

  @Column({ name: 'scheduler_hints', type: 'simple-json' })
  schedulerHints: SchedulerHints;

  /** The operation the agent has yet to finish, and by when before it is given up. */
  @Column({ name: 'pending_operation', type: 'varchar', length: 16, nullable: true })
  pendingOperation: PendingOperation | null;

  @Index('ix_instance_deadline')
  @Column({ name: 'operation_deadline', type: 'datetime', nullable: true })
  operationDeadline: Date | null;

  @Column({ name: 'build_attempts', type: 'int' })
  buildAttempts: number;

  @Column({ name: 'tried_hosts', type: 'simple-json' })
  triedHosts: string[];

  /** Hosts the scheduler offered to retry on, not yet claimed. */
  @Column({ type: 'simple-json' })
  alternates: HostChoice[];

  /**
   * The requester's token while an operation needs the host to fetch the image (a build, a
   * reschedule, a rebuild); cleared when it ends, so no token outlives the work it was lent for.
   */
  @Column({ name: 'operation_token', type: 'text', nullable: true })
  operationToken: string | null;

  /** The `at` of the newest agent event applied, so a late, older one is ignored. */
  @Column({ name: 'last_event_at', type: 'varchar', length: 40, nullable: true })
  lastEventAt: string | null;

  @Column({ type: 'simple-json', nullable: true })
  fault: InstanceFaultRecord | null;
}

@Entity('instance_action')
@Index('ix_instance_action_instance', ['instanceUuid', 'startTime'])
export class InstanceActionEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId: string;

  @Column({ name: 'instance_uuid', type: 'varchar', length: 36 })
  instanceUuid: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'project_id', type: 'varchar', length: 64 })
  projectId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ name: 'start_time', type: 'datetime' })
  startTime: Date;

  @Column({ name: 'finish_time', type: 'datetime', nullable: true })
  finishTime: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  message: string | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

@Entity('instance_action_event')
export class InstanceActionEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_instance_action_event_action')
  @Column({ name: 'action_id', type: 'int' })
  actionId: number;

  @Column({ type: 'varchar', length: 64 })
  event: string;

  @Column({ name: 'start_time', type: 'datetime' })
  startTime: Date;

  @Column({ name: 'finish_time', type: 'datetime', nullable: true })
  finishTime: Date | null;

  /** 'Success' or 'Error' once finished. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  result: string | null;

  @Column({ type: 'text', nullable: true })
  traceback: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  host: string | null;
}
