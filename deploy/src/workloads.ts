import { serviceDescriptor } from '@stratus/platform';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { DataClaim, DeployedService } from './deployed-services';
import {
  CONFIG_MAP,
  DATABASE_HOST,
  HYPERVISOR_LABEL,
  IMAGE,
  INGRESS_NAMESPACE,
  MONITORING_NAMESPACE,
  NATS_NAMESPACE,
  NATS_SECRET,
  PART_OF,
  SERVICE_ACCOUNT,
  TOKEN_KEYS_MOUNT,
  TOKEN_KEYS_SECRET,
} from './names';
import { claimName, dataEnv, dataMounts, dataVolumes, hypervisorStorage } from './storage';

/** Labels that select a service's pods; `component` keeps migration pods out of the Service. */
export function selectorLabels(
  service: DeployedService,
  component: string = service.kind,
): Record<string, string> {
  return {
    'app.kubernetes.io/name': service.descriptor.name,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/component': component,
  };
}

export function databaseSecret(service: DeployedService): string {
  return `stratus-${service.descriptor.name}-db`;
}

export function databaseUser(service: DeployedService): string {
  return service.descriptor.name.replace(/-/g, '_');
}

export function databaseName(service: DeployedService): string {
  return `stratus_${databaseUser(service)}`;
}

function envPrefix(service: DeployedService): string {
  return service.descriptor.name.toUpperCase().replace(/-/g, '_');
}

function secretEnv(name: string, secret: string, key: string): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** The password comes from a Secret and is spliced into the URL by the kubelet, never written down. */
function databaseEnv(service: DeployedService): IEnvVar[] {
  if (!service.database) return [];
  return [
    secretEnv('DATABASE_PASSWORD', databaseSecret(service), 'password'),
    {
      name: `${envPrefix(service)}_DATABASE_URL`,
      value: `mysql://${databaseUser(service)}:$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)/${databaseName(service)}`,
    },
  ];
}

function serviceEnv(service: DeployedService): IEnvVar[] {
  const env: IEnvVar[] = [
    { name: 'APP', value: service.descriptor.name },
    { name: service.descriptor.portVariable, value: String(service.descriptor.defaultPort) },
    secretEnv('NATS_URL', NATS_SECRET, 'url'),
    ...databaseEnv(service),
    ...dataEnv(service),
  ];
  for (const call of service.calls ?? []) {
    const target = serviceDescriptor(call.service);
    env.push({ name: call.variable, value: `http://${target.name}:${target.defaultPort}` });
  }
  if (service.descriptor.name === 'identity') {
    env.push(secretEnv('IDENTITY_BOOTSTRAP_ADMIN_PASSWORD', 'stratus-identity-bootstrap', 'admin-password'));
  }
  if (service.kind === 'agent') {
    env.push(
      { name: 'COMPUTE_AGENT_HOST', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'COMPUTE_AGENT_DRIVER', value: 'libvirt' },
      { name: 'COMPUTE_AGENT_LIBVIRT_URI', value: 'qemu:///system' },
      { name: 'COMPUTE_AGENT_VIRT_TYPE', value: 'kvm' },
      { name: 'COMPUTE_AGENT_INSTANCES_DIR', value: '/var/lib/stratus/instances' },
    );
  }
  return env;
}

function configSources(service: DeployedService): IContainer['envFrom'] {
  const sources: NonNullable<IContainer['envFrom']> = [{ configMapRef: { name: CONFIG_MAP } }];
  if (service.descriptor.name === 'identity') sources.push({ configMapRef: { name: 'identity-config' } });
  return sources;
}

const RESTRICTED_CONTAINER: IContainer['securityContext'] = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** The image's `node` user; numeric so that runAsNonRoot can be checked. */
const RESTRICTED_POD: IPodSpec['securityContext'] = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  // A data claim already owned by the group is not walked file by file at every pod start.
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};

const DEFAULT_SCRATCH_SIZE = '256Mi';
const scratchVolume = (size = DEFAULT_SCRATCH_SIZE): IVolume => ({
  name: 'scratch',
  emptyDir: { sizeLimit: size },
});
const SCRATCH_MOUNT: IVolumeMount = { name: 'scratch', mountPath: '/tmp' };

function serviceContainer(service: DeployedService): IContainer {
  const { name } = service.descriptor;
  const sizes = service.resources;
  return {
    name,
    image: IMAGE,
    env: serviceEnv(service),
    envFrom: configSources(service),
    ports: [{ name: 'http', containerPort: service.descriptor.defaultPort, protocol: 'TCP' }],
    // Start-up runs migrations and replays revocations, so it gets longer than a liveness failure.
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 90 },
    readinessProbe: {
      httpGet: { path: '/readyz', port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 2,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    resources: {
      requests: { cpu: sizes.cpu, memory: sizes.memory },
      limits: { cpu: sizes.cpuLimit, memory: sizes.memoryLimit },
    },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [
      { name: 'token-keys', mountPath: TOKEN_KEYS_MOUNT, readOnly: true },
      SCRATCH_MOUNT,
      ...dataMounts(service),
    ],
  };
}

function podSpec(service: DeployedService): IPodSpec {
  return {
    serviceAccountName: SERVICE_ACCOUNT,
    automountServiceAccountToken: false,
    // SHUTDOWN_DELAY_SECONDS + SHUTDOWN_GRACE_SECONDS from the ConfigMap, plus a margin.
    terminationGracePeriodSeconds: 30,
    securityContext: RESTRICTED_POD,
    containers: [serviceContainer(service)],
    volumes: [
      // Mounted whole (no subPath) so that rotated keys appear without a restart.
      { name: 'token-keys', secret: { secretName: TOKEN_KEYS_SECRET, defaultMode: 0o440 } },
      scratchVolume(service.scratchSize),
      ...dataVolumes(service),
    ],
  };
}

export function deployment(service: DeployedService): IDeployment {
  const selector = selectorLabels(service);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    // No replicas: one unless an HPA owns the count, so that `kubectl apply` never fights it.
    metadata: { name: service.descriptor.name, labels: selector },
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: selector },
        spec: {
          ...podSpec(service),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
        },
      },
    },
  };
}

/**
 * compute-agent: one per hypervisor node, in the host's network namespace (it plugs VIFs there),
 * privileged to reach /dev/kvm and libvirt, named after its node so `compute.<host>.*` matches.
 */
export function daemonSet(service: DeployedService, services: readonly DeployedService[]): IDaemonSet {
  const selector = selectorLabels(service);
  const base = podSpec(service);
  const container = base.containers[0];
  const shared = hypervisorStorage(services);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: service.descriptor.name, labels: selector },
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: selector },
        spec: {
          ...base,
          nodeSelector: { [HYPERVISOR_LABEL]: 'true' },
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          // Instances keep running when the agent stops; it only needs to finish its current step.
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsUser: 0,
            runAsGroup: 0,
            fsGroup: 1000,
            fsGroupChangePolicy: 'OnRootMismatch',
          },
          initContainers: shared.initContainers,
          containers: [
            {
              ...container,
              securityContext: { privileged: true, runAsNonRoot: false },
              volumeMounts: [
                ...(container.volumeMounts ?? []),
                { name: 'libvirt-socket', mountPath: '/var/run/libvirt' },
                {
                  name: 'instances',
                  mountPath: '/var/lib/stratus/instances',
                  mountPropagation: 'Bidirectional',
                },
                // The DHCP servers' network namespaces outlive an agent restart only on the host.
                { name: 'netns', mountPath: '/run/netns', mountPropagation: 'Bidirectional' },
                ...shared.mounts,
              ],
            },
          ],
          volumes: [
            ...(base.volumes ?? []),
            { name: 'libvirt-socket', hostPath: { path: '/var/run/libvirt', type: 'Directory' } },
            {
              name: 'instances',
              hostPath: { path: '/var/lib/stratus/instances', type: 'DirectoryOrCreate' },
            },
            { name: 'netns', hostPath: { path: '/run/netns', type: 'DirectoryOrCreate' } },
            ...shared.volumes,
          ],
        },
      },
    },
  };
}

/** No storageClassName: the cluster's default, unless the overlay names a class (overlays.ts). */
export function persistentVolumeClaim(service: DeployedService, claim: DataClaim): IPersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: claimName(service), labels: selectorLabels(service, 'storage') },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: claim.size } } },
  };
}

export function service(service: DeployedService): IService {
  const selector = selectorLabels(service);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.descriptor.name, labels: selector },
    spec: {
      // Only the API services are called over HTTP; the others expose /metrics to Prometheus.
      ...(service.kind === 'api' ? { type: 'ClusterIP' } : { clusterIP: 'None' }),
      selector,
      ports: [{ name: 'http', port: service.descriptor.defaultPort, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

function namespaceSelector(name: string): { namespaceSelector: { matchLabels: Record<string, string> } } {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } };
}

/**
 * Ingress from the Ingress controller and Stratus pods (API services), Prometheus (all); egress to
 * DNS, NATS and, for services with a database, MariaDB. Nothing else.
 */
export function networkPolicy(service: DeployedService): INetworkPolicy {
  const selector = selectorLabels(service);
  const http: INetworkPolicyPort[] = [{ port: 'http', protocol: 'TCP' }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: service.descriptor.name, labels: selector },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(service.kind === 'api'
          ? [
              {
                from: [
                  namespaceSelector(INGRESS_NAMESPACE),
                  { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } } },
                ],
                ports: http,
              },
            ]
          : []),
        { from: [namespaceSelector(MONITORING_NAMESPACE)], ports: http },
      ],
      egress: [
        {
          to: [
            { ...namespaceSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        { to: [namespaceSelector(NATS_NAMESPACE)], ports: [{ port: 4222, protocol: 'TCP' }] },
        ...(service.calls ?? []).map((call) => ({
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': call.service } } }],
          ports: [{ port: serviceDescriptor(call.service).defaultPort, protocol: 'TCP' as const }],
        })),
        ...(service.database
          ? [
              {
                to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': DATABASE_HOST } } }],
                ports: [{ port: 3306, protocol: 'TCP' as const }],
              },
            ]
          : []),
      ],
    },
  };
}

/**
 * `main.js migrate`, applied and awaited before the workloads roll (see the README's upgrade
 * steps). Kept for an hour so its logs can be read, then removed, so the next release's Job
 * (same name, new image) can be created.
 */
export function migrationJob(service: DeployedService): IJob {
  const labels = selectorLabels(service, 'migration');
  const container = serviceContainer(service);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${service.descriptor.name}-migrate`, labels },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 1800,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          securityContext: RESTRICTED_POD,
          containers: [
            {
              name: 'migrate',
              image: IMAGE,
              args: ['migrate'],
              env: [{ name: 'APP', value: service.descriptor.name }, ...databaseEnv(service)],
              envFrom: container.envFrom,
              resources: container.resources,
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [SCRATCH_MOUNT],
            },
          ],
          volumes: [scratchVolume()],
        },
      },
    },
  };
}

export function autoscaler(service: DeployedService): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: service.descriptor.name, labels: selectorLabels(service) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.descriptor.name },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
      // Scale in slowly: a replica that leaves drains for SHUTDOWN_DELAY + GRACE seconds.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

export function disruptionBudget(service: DeployedService): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: service.descriptor.name, labels: selectorLabels(service) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(service) } },
  };
}
