import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { DeployedService } from './deployed-services';
import { NAMESPACE } from './names';
import { selectorLabels } from './workloads';

export interface Overlay {
  name: string;
  /** Each API is served at https://<service>.<publicDomain>, which the catalog advertises. */
  publicDomain: string;
  tls: boolean;
  image: string;
  /** Several replicas with an HPA and a PDB each, and a Galera cluster. */
  highlyAvailable: boolean;
  config: Record<string, string>;
  /** The data claims' class, which must offer ReadWriteMany; unset: the cluster's default class. */
  storageClass?: string;
}

export const OVERLAYS: readonly Overlay[] = [
  {
    name: 'dev',
    publicDomain: 'stratus.test',
    tls: false,
    image: 'stratus',
    highlyAvailable: false,
    config: { LOG_LEVEL: 'debug' },
  },
  {
    name: 'production',
    publicDomain: 'cloud.example.com',
    tls: true,
    image: 'registry.example.com/stratus',
    highlyAvailable: true,
    config: {},
    storageClass: 'shared-filesystem',
  },
];

function publicHost(service: DeployedService, overlay: Overlay): string {
  return `${service.descriptor.name}.${overlay.publicDomain}`;
}

/** Identity's catalog: public URLs are the Ingress hosts, internal ones the cluster Services. */
export function catalog(services: readonly DeployedService[], overlay: Overlay): string {
  const entries = services.flatMap((service) => {
    const { catalog: entry, name, defaultPort } = service.descriptor;
    if (!entry || service.kind !== 'api') return [];
    return [
      {
        type: entry.type,
        name: entry.name,
        public: `${overlay.tls ? 'https' : 'http'}://${publicHost(service, overlay)}${entry.path}`,
        internal: `http://${name}.${NAMESPACE}.svc:${defaultPort}${entry.path}`,
      },
    ];
  });
  return JSON.stringify(entries);
}

export function ingress(service: DeployedService, overlay: Overlay): IIngress {
  const host = publicHost(service, overlay);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: service.descriptor.name,
      labels: selectorLabels(service),
      ...(service.unlimitedBody
        ? {
            annotations: {
              'nginx.ingress.kubernetes.io/proxy-body-size': '0',
              'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
            },
          }
        : {}),
    },
    spec: {
      ingressClassName: 'nginx',
      ...(overlay.tls ? { tls: [{ hosts: [host], secretName: 'stratus-tls' }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service.descriptor.name, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}
