import { createHash } from 'node:crypto';
import type { Microversion } from '../common/microversion';
import { isoTime, usageTime } from '../common/nova-input';
import type { LinkBuilder } from '../common/nova-request';
import { blockDevicesOf, InstanceEntity, InstanceVif } from './instance.entity';
import { PROGRESS_STATUSES, serverStatus } from './server-state';

export interface ServerViewContext {
  version: Microversion;
  isAdmin: boolean;
  links: LinkBuilder;
  /** Nova's host_status of a host (2.16, admins). */
  hostStatus: (host: string | null) => string;
}

export function instanceName(instance: Pick<InstanceEntity, 'id'>): string {
  return `instance-${instance.id.toString(16).padStart(8, '0')}`;
}

/** Nova's hostId: the host, hashed with the project so projects cannot compare hosts. */
export function hostId(instance: Pick<InstanceEntity, 'host' | 'projectId'>): string {
  return instance.host
    ? createHash('sha224')
        .update(instance.projectId + instance.host)
        .digest('hex')
    : '';
}

export function statusOf(instance: Pick<InstanceEntity, 'vmState' | 'taskState' | 'deleted'>): string {
  return instance.deleted ? 'DELETED' : serverStatus(instance.vmState, instance.taskState);
}

/** The `addresses` of a server, by network name, as the network info cache holds them. */
export function addressesOf(vifs: InstanceVif[]) {
  const addresses: Record<string, unknown[]> = {};
  for (const vif of vifs) {
    const list = (addresses[vif.networkName] ??= []);
    for (const ip of vif.fixedIps) {
      list.push({
        version: ip.version,
        addr: ip.address,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': vif.macAddress,
      });
    }
  }
  return addresses;
}

export function serverSummary(instance: InstanceEntity, links: LinkBuilder) {
  return { id: instance.uuid, name: instance.displayName, links: links.links('servers', instance.uuid) };
}

function flavorView(instance: InstanceEntity, context: ServerViewContext) {
  const flavor = instance.flavor;
  if (!context.version.atLeast('2.47')) {
    return {
      id: flavor.id,
      links: [{ rel: 'bookmark', href: context.links.bookmark('flavors', flavor.id) }],
    };
  }
  return {
    vcpus: flavor.vcpus,
    ram: flavor.memoryMb,
    disk: flavor.rootGb,
    ephemeral: flavor.ephemeralGb,
    swap: flavor.swap,
    original_name: flavor.name,
    extra_specs: flavor.extraSpecs,
  };
}

function faultView(instance: InstanceEntity, context: ServerViewContext) {
  const fault = instance.fault;
  if (!fault) return undefined;
  return {
    code: fault.code,
    created: fault.created,
    message: fault.message,
    ...(fault.details && (context.isAdmin || fault.code !== 500) ? { details: fault.details } : {}),
  };
}

/** GET /servers/{id} and each entry of /servers/detail, for this microversion and caller. */
export function serverDetail(instance: InstanceEntity, context: ServerViewContext): Record<string, unknown> {
  const { version, links } = context;
  const status = statusOf(instance);
  const view: Record<string, unknown> = {
    id: instance.uuid,
    name: instance.displayName,
    status,
    tenant_id: instance.projectId,
    user_id: instance.userId,
    metadata: instance.metadata,
    hostId: hostId(instance),
    image: instance.imageRef
      ? {
          id: instance.imageRef,
          links: [{ rel: 'bookmark', href: links.bookmark('images', instance.imageRef) }],
        }
      : '',
    flavor: flavorView(instance, context),
    created: isoTime(instance.createdAt),
    updated: isoTime(instance.updatedAt),
    addresses: addressesOf(instance.vifs),
    accessIPv4: instance.accessIpV4 ?? '',
    accessIPv6: instance.accessIpV6 ?? '',
    links: links.links('servers', instance.uuid),
    'OS-DCF:diskConfig': instance.diskConfig,
    'OS-EXT-AZ:availability_zone': instance.availabilityZone ?? '',
    config_drive: instance.configDrive,
    key_name: instance.keyName,
    'OS-SRV-USG:launched_at': usageTime(instance.launchedAt),
    'OS-SRV-USG:terminated_at': usageTime(instance.terminatedAt),
    'OS-EXT-STS:task_state': instance.taskState,
    'OS-EXT-STS:vm_state': instance.deleted ? 'deleted' : instance.vmState,
    'OS-EXT-STS:power_state': instance.powerState,
    'os-extended-volumes:volumes_attached': blockDevicesOf(instance)
      .filter((device) => device.volumeId !== null)
      .map((device) => ({
        id: device.volumeId,
        ...(version.atLeast('2.3') ? { delete_on_termination: device.deleteOnTermination } : {}),
      })),
    security_groups: instance.securityGroups.map((name) => ({ name })),
  };
  if (PROGRESS_STATUSES.has(status)) view.progress = status === 'ACTIVE' ? 100 : 0;
  if (status === 'ERROR' || status === 'DELETED') {
    const fault = faultView(instance, context);
    if (fault) view.fault = fault;
  }
  if (context.isAdmin) {
    view['OS-EXT-SRV-ATTR:host'] = instance.host;
    view['OS-EXT-SRV-ATTR:instance_name'] = instanceName(instance);
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = instance.node;
    if (version.atLeast('2.3')) {
      view['OS-EXT-SRV-ATTR:reservation_id'] = instance.reservationId;
      view['OS-EXT-SRV-ATTR:launch_index'] = instance.launchIndex;
      view['OS-EXT-SRV-ATTR:hostname'] = instance.hostname;
      view['OS-EXT-SRV-ATTR:kernel_id'] = '';
      view['OS-EXT-SRV-ATTR:ramdisk_id'] = '';
      view['OS-EXT-SRV-ATTR:root_device_name'] = instance.launchedAt ? '/dev/vda' : null;
      view['OS-EXT-SRV-ATTR:user_data'] = instance.userData;
    }
    if (version.atLeast('2.16')) view.host_status = context.hostStatus(instance.host);
  }
  if (version.atLeast('2.9')) view.locked = instance.locked;
  if (version.atLeast('2.19')) view.description = instance.description;
  if (version.atLeast('2.26')) view.tags = instance.tags;
  return view;
}
