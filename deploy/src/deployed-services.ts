import { serviceDescriptor, ServiceDescriptor } from '@stratus/platform';

/** api: OpenStack REST API behind the Ingress; worker: NATS only; agent: one per hypervisor host. */
export type WorkloadKind = 'api' | 'worker' | 'agent';

export interface ResourceSizes {
  cpu: string;
  memory: string;
  cpuLimit: string;
  memoryLimit: string;
}

/** A folder of files that outlive the pod, on the service's claim. */
export interface DataFolder {
  /** The service's variable naming the folder; it points at the mount (see dataPath). */
  variable: string;
  /** The claim's subfolder, mounted at /var/lib/stratus/<name>. */
  name: string;
  /**
   * The service hands out paths in this folder that compute hosts open (volume connection info),
   * so compute-agent mounts it at the same path and publishes it on the host for libvirt.
   */
  hypervisors?: boolean;
}

/**
 * One ReadWriteMany claim per service rather than one per replica (a StatefulSet's claim
 * templates): any replica answers any request, so every replica must see every file.
 */
export interface DataClaim {
  size: string;
  folders: DataFolder[];
}

export interface DeployedService {
  descriptor: ServiceDescriptor;
  kind: WorkloadKind;
  /** Owns a MySQL schema: gets a database user, a password Secret and a migration Job. */
  database: boolean;
  resources: ResourceSizes;
  /** Bigger request bodies than the Ingress's default 1m (image uploads). */
  unlimitedBody?: boolean;
  /** Other services' APIs it calls over HTTP, and the variable that holds each one's URL. */
  calls?: { service: string; variable: string }[];
  /** Files that must outlive its pods (README, Storage). */
  storage?: DataClaim;
  /** Size of the pod's own /tmp when its work files are big (image conversions); 256Mi otherwise. */
  scratchSize?: string;
}

const API_SIZES: ResourceSizes = { cpu: '100m', memory: '192Mi', cpuLimit: '1', memoryLimit: '512Mi' };

function deployed(name: string, settings: Omit<DeployedService, 'descriptor'>): DeployedService {
  return { descriptor: serviceDescriptor(name), ...settings };
}

/**
 * The services the manifests deploy, in the service registry's order. A service that lands adds
 * one line here (block-storage and compute-api as `api` with a database, object-storage too with
 * `unlimitedBody`) and `npm run deploy:manifests` writes its manifests.
 */
export const DEPLOYED_SERVICES: readonly DeployedService[] = [
  deployed('identity', { kind: 'api', database: true, resources: API_SIZES }),
  deployed('image', {
    kind: 'api',
    database: true,
    resources: API_SIZES,
    unlimitedBody: true,
    // Staged data is shared too: an import may reach another replica than the one that staged it.
    storage: {
      size: '100Gi',
      folders: [
        { variable: 'IMAGE_STORE_DIR', name: 'images' },
        { variable: 'IMAGE_STAGING_DIR', name: 'image-staging' },
      ],
    },
  }),
  deployed('network', { kind: 'api', database: true, resources: API_SIZES }),
  deployed('block-storage', {
    kind: 'api',
    database: true,
    resources: API_SIZES,
    unlimitedBody: true,
    calls: [
      { service: 'image', variable: 'BLOCK_STORAGE_IMAGE_URL' },
      { service: 'object-storage', variable: 'BLOCK_STORAGE_OBJECT_STORE_URL' },
    ],
    // Images are downloaded and converted under /tmp before they become volumes.
    scratchSize: '50Gi',
    storage: {
      size: '500Gi',
      folders: [{ variable: 'BLOCK_STORAGE_VOLUMES_DIR', name: 'volumes', hypervisors: true }],
    },
  }),
  deployed('object-storage', {
    kind: 'api',
    database: true,
    resources: API_SIZES,
    unlimitedBody: true,
    storage: { size: '100Gi', folders: [{ variable: 'OBJECT_STORAGE_DATA_DIR', name: 'objects' }] },
  }),
  deployed('compute-api', {
    kind: 'api',
    database: true,
    resources: API_SIZES,
    calls: [
      { service: 'image', variable: 'COMPUTE_IMAGE_URL' },
      { service: 'network', variable: 'COMPUTE_NETWORK_URL' },
    ],
  }),
  deployed('scheduler', {
    kind: 'worker',
    database: false,
    resources: { cpu: '200m', memory: '256Mi', cpuLimit: '2', memoryLimit: '1Gi' },
  }),
  deployed('compute-agent', {
    kind: 'agent',
    database: false,
    resources: { cpu: '100m', memory: '192Mi', cpuLimit: '1', memoryLimit: '512Mi' },
  }),
];
