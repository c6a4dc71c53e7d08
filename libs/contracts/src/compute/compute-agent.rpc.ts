import { rpc, RpcContract } from '../common/rpc';
import type { FlavorResources } from '../scheduler/scheduler.rpc';

/** Per-host request subjects: `compute.<host>.<resource>.<action>`; only that host's agent answers. */
function hostRpc<Req, Reply>(action: string): (host: string) => RpcContract<Req, Reply> {
  return (host) => rpc<Req, Reply>(`compute.${host}.${action}`);
}

/** A NIC as the agent plugs it: the port's MAC and the bridge its binding names. */
export interface NetworkInterfaceSpec {
  portId: string;
  networkId: string;
  macAddress: string;
  bridge: string;
  mtu: number;
  fixedIps: {
    ipAddress: string;
    cidr: string;
    gatewayIp: string | null;
    ipVersion: 4 | 6;
    dnsNameservers: string[];
    /** Whether the host answers DHCP for this address; absent from builds of older compute-apis. */
    enableDhcp?: boolean;
    /** The address the host's DHCP server answers from on this subnet (the network's DHCP port's). */
    dhcpServerIp?: string | null;
  }[];
}

export interface ImageSpec {
  id: string;
  /** Absolute URL of the image data (the image service's /v2/images/{id}/file). */
  url: string;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  diskFormat: string;
  size: number | null;
  properties: Record<string, string>;
}

/** A volume as a host plugs it: the file block storage's connection info names, its id as the disk's serial. */
export interface AttachedVolumeSpec {
  volumeId: string;
  path: string;
  format: 'raw' | 'qcow2';
  readOnly: boolean;
}

export interface BuildInstanceRequest {
  uuid: string;
  /** Hypervisor-level name, e.g. instance-0000002a. */
  name: string;
  displayName: string;
  hostname: string;
  projectId: string;
  userId: string;
  flavor: FlavorResources & { name: string };
  /** The image the root disk is an overlay of; null when the server boots from a volume. */
  image: ImageSpec | null;
  /** Boot from volume: this volume is the root disk (vda), which the host never creates or deletes. */
  rootVolume?: AttachedVolumeSpec | null;
  /** Volumes of the block device mapping beyond the root, plugged from the first boot on (vdb, vdc, ...). */
  volumes?: AttachedVolumeSpec[];
  /** The image's kernel_id and ramdisk_id images, for direct kernel boot, and its os_command_line. */
  kernel?: ImageSpec | null;
  ramdisk?: ImageSpec | null;
  kernelCommandLine?: string | null;
  networks: NetworkInterfaceSpec[];
  userData: string | null;
  metadata: Record<string, string>;
  keyName: string | null;
  publicKey: string | null;
  /** A token the agent uses to download the image. */
  authToken: string;
}

export type PowerAction =
  'reboot-soft' | 'reboot-hard' | 'stop' | 'start' | 'pause' | 'unpause' | 'suspend' | 'resume';

/** Accepted at once; progress and the result arrive as InstanceUpdated events. */
export const BuildInstance = hostRpc<BuildInstanceRequest, { accepted: true }>('instance.build');
/** Answers once the hypervisor reached the new state. */
export const PowerActionOnInstance = hostRpc<{ uuid: string; action: PowerAction }, { powerState: number }>(
  'instance.power',
);
/**
 * Removes the guest, its disks and its NICs; answers once done. Idempotent. With keepRootDisk the
 * root disk stays for the next build of the instance on this host (a resize keeps the guest's data).
 */
export const DeleteInstance = hostRpc<{ uuid: string; keepRootDisk?: boolean }, { deleted: true }>(
  'instance.delete',
);
export const GetConsoleOutput = hostRpc<{ uuid: string; lines?: number }, { output: string }>(
  'instance.console',
);

/** Hot-plugs a volume's file into the guest; answers with the device the hypervisor gave it. */
export const AttachVolumeToInstance = hostRpc<{ uuid: string } & AttachedVolumeSpec, { device: string }>(
  'instance.volume.attach',
);
/** Unplugs the volume with that serial (its id) and answers once the guest has let go of it. */
export const DetachVolumeFromInstance = hostRpc<{ uuid: string; volumeId: string }, { detached: true }>(
  'instance.volume.detach',
);

/**
 * Hot-plugs a port's NIC into the guest (live when it runs, and in its definition) and serves the
 * port's DHCP on this host; answers once the hypervisor confirms the device. `hostname` names the
 * guest in its DHCP lease.
 */
export const AttachInterfaceToInstance = hostRpc<
  { uuid: string; nic: NetworkInterfaceSpec; hostname?: string },
  { attached: true }
>('instance.interface.attach');
/** Unplugs the NIC with that MAC and stops serving the port's DHCP; answers once the guest has let go. */
export const DetachInterfaceFromInstance = hostRpc<
  { uuid: string; portId: string; macAddress: string },
  { detached: true }
>('instance.interface.detach');
