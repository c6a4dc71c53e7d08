import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { DataFolder, DeployedService } from './deployed-services';
import { DATA_ROOT, IMAGE } from './names';

/**
 * Where a data folder is mounted. Services record paths inside it (image locations, volume
 * connection info), so it must stay the same from one release to the next.
 */
export function dataPath(folder: DataFolder): string {
  return `${DATA_ROOT}/${folder.name}`;
}

export function claimName(service: DeployedService): string {
  return `${service.descriptor.name}-data`;
}

function claimVolume(service: DeployedService): IVolume {
  return { name: claimName(service), persistentVolumeClaim: { claimName: claimName(service) } };
}

function folderMount(
  service: DeployedService,
  folder: DataFolder,
  mountPath = dataPath(folder),
): IVolumeMount {
  return { name: claimName(service), mountPath, subPath: folder.name };
}

/** Each folder variable, pointing at its mount. */
export function dataEnv(service: DeployedService): IEnvVar[] {
  return (service.storage?.folders ?? []).map((folder) => ({
    name: folder.variable,
    value: dataPath(folder),
  }));
}

export function dataVolumes(service: DeployedService): IVolume[] {
  return service.storage ? [claimVolume(service)] : [];
}

export function dataMounts(service: DeployedService): IVolumeMount[] {
  return (service.storage?.folders ?? []).map((folder) => folderMount(service, folder));
}

export interface HypervisorStorage {
  volumes: IVolume[];
  mounts: IVolumeMount[];
  initContainers: IContainer[];
}

const HOST_DATA = 'host-data';
const HOST_MOUNT = `/host${DATA_ROOT}`;

/**
 * What compute-agent needs so that a path another service hands out (a volume's connection info)
 * opens on its host: the claim at that path in the agent, and the same claim bind-mounted at that
 * path on the host, because QEMU is started by the host's libvirtd and sees only the host's mounts.
 * A bind left by an earlier pod is detached lazily, so running guests keep the files they opened.
 */
export function hypervisorStorage(services: readonly DeployedService[]): HypervisorStorage {
  const shared = services.flatMap((service) =>
    (service.storage?.folders ?? []).filter((f) => f.hypervisors).map((folder) => ({ service, folder })),
  );
  if (shared.length === 0) return { volumes: [], mounts: [], initContainers: [] };
  const script = shared.flatMap(({ folder }) => {
    const target = `${HOST_MOUNT}/${folder.name}`;
    return [
      `mkdir -p ${target}`,
      `if mountpoint -q ${target}; then umount -l ${target}; fi`,
      `mount --bind /mnt/${folder.name} ${target}`,
    ];
  });
  const owners = [...new Set(shared.map(({ service }) => service))];
  return {
    volumes: [
      ...owners.map(claimVolume),
      { name: HOST_DATA, hostPath: { path: DATA_ROOT, type: 'DirectoryOrCreate' } },
    ],
    mounts: shared.map(({ service, folder }) => folderMount(service, folder)),
    initContainers: [
      {
        name: 'publish-data-on-host',
        image: IMAGE,
        command: ['/bin/sh', '-c', ['set -eu', ...script].join('\n')],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        securityContext: { privileged: true, runAsNonRoot: false },
        volumeMounts: [
          ...shared.map(({ service, folder }) => folderMount(service, folder, `/mnt/${folder.name}`)),
          // Bidirectional: the bind made here must appear in the host's mount namespace.
          { name: HOST_DATA, mountPath: HOST_MOUNT, mountPropagation: 'Bidirectional' },
        ],
      },
    ],
  };
}
