import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DeployedService } from './deployed-services';
import {
  CONFIG_MAP,
  DATABASE_HOST,
  DATABASE_ROOT_SECRET,
  PART_OF,
  SERVICE_ACCOUNT,
  TOKEN_KEYS_MOUNT,
} from './names';
import { databaseName, databaseSecret, databaseUser } from './workloads';

/** A kustomization in the syntax both kustomize v2.0.3 (kubectl 1.20) and v5 accept. */
export interface Kustomization {
  namespace?: string;
  bases?: string[];
  resources?: string[];
  configMapGenerator?: { name: string; behavior?: 'merge'; literals: string[] }[];
  generatorOptions?: { labels: Record<string, string> };
  images?: { name: string; newName: string; newTag: string }[];
  patchesJson6902?: {
    /** No group for the core API (v1). */
    target: { group?: string; version: string; kind: string; name: string };
    path: string;
  }[];
}

/** Settings every service reads (README, Configuration); secrets are not among them. */
export const SHARED_CONFIG: Record<string, string> = {
  LOG_LEVEL: 'info',
  BIND_HOST: '0.0.0.0',
  DATA_DIR: '/tmp/stratus',
  TOKEN_KEY_REPOSITORY: TOKEN_KEYS_MOUNT,
  TOKEN_EXPIRATION_SECONDS: '3600',
  NATS_REQUEST_TIMEOUT_MS: '5000',
  // The NATS Helm release runs three JetStream servers (dependencies/nats/values.yaml).
  NATS_STREAM_REPLICAS: '3',
  // Spliced into each <SERVICE>_DATABASE_URL with the service's password.
  DATABASE_HOST,
  DATABASE_PORT: '3306',
  // Endpoints drop a terminating pod within a few seconds; it keeps serving until then.
  SHUTDOWN_DELAY_SECONDS: '5',
  SHUTDOWN_GRACE_SECONDS: '15',
  HTTP_KEEPALIVE_TIMEOUT_SECONDS: '65',
};

export const IDENTITY_CONFIG: Record<string, string> = {
  IDENTITY_BOOTSTRAP_ADMIN_USERNAME: 'admin',
  IDENTITY_BOOTSTRAP_PROJECT_NAME: 'admin',
  IDENTITY_BOOTSTRAP_REGION_ID: 'RegionOne',
};

export function literals(values: Record<string, string>): string[] {
  return Object.entries(values).map(([key, value]) => `${key}=${value}`);
}

/** Labels the ConfigMaps so that the upgrade applies them together with the migration Jobs. */
export const CONFIG_LABELS = { generatorOptions: { labels: { 'app.kubernetes.io/component': 'config' } } };

export function sharedConfigGenerator(): Kustomization['configMapGenerator'] {
  return [{ name: CONFIG_MAP, literals: literals(SHARED_CONFIG) }];
}

export function serviceAccount(): IServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: SERVICE_ACCOUNT, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    // No Stratus service talks to the Kubernetes API.
    automountServiceAccountToken: false,
  };
}

export function serviceMonitor(): IServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'stratus', labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  };
}

/** Applied with the ConfigMaps and migration Jobs, before the workloads (README, upgrading). */
const DATABASE_LABELS = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': 'database' };

/** mariadb-operator resources: the server, and one schema, user and grant per service. */
export function mariadb(): Record<string, unknown> {
  return {
    apiVersion: 'k8s.mariadb.com/v1alpha1',
    kind: 'MariaDB',
    metadata: { name: DATABASE_HOST, labels: DATABASE_LABELS },
    spec: {
      rootPasswordSecretKeyRef: { name: DATABASE_ROOT_SECRET, key: 'password' },
      replicas: 1,
      storage: { size: '20Gi' },
      myCnf: '[mariadb]\ncharacter-set-server=utf8mb4\ncollation-server=utf8mb4_bin\nmax_connections=1000\n',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      metrics: { enabled: true },
    },
  };
}

/** Three-node Galera for production, as a JSON patch (kustomize v2 merges no custom resources). */
export const MARIADB_GALERA_PATCH = [
  { op: 'replace', path: '/spec/replicas', value: 3 },
  { op: 'add', path: '/spec/galera', value: { enabled: true } },
];

export function databaseResources(service: DeployedService): Record<string, unknown>[] {
  const ref = { name: DATABASE_HOST };
  const name = `stratus-${service.descriptor.name}`;
  const labels = { 'app.kubernetes.io/name': service.descriptor.name, ...DATABASE_LABELS };
  return [
    {
      apiVersion: 'k8s.mariadb.com/v1alpha1',
      kind: 'Database',
      metadata: { name, labels },
      spec: { mariaDbRef: ref, name: databaseName(service), characterSet: 'utf8mb4', collate: 'utf8mb4_bin' },
    },
    {
      apiVersion: 'k8s.mariadb.com/v1alpha1',
      kind: 'User',
      metadata: { name, labels },
      spec: {
        mariaDbRef: ref,
        name: databaseUser(service),
        host: '%',
        passwordSecretKeyRef: { name: databaseSecret(service), key: 'password' },
        maxUserConnections: 200,
      },
    },
    {
      apiVersion: 'k8s.mariadb.com/v1alpha1',
      kind: 'Grant',
      metadata: { name, labels },
      spec: {
        mariaDbRef: ref,
        privileges: ['ALL PRIVILEGES'],
        database: databaseName(service),
        table: '*',
        username: databaseUser(service),
        host: '%',
      },
    },
  ];
}
