/** Names the manifests share with each other and with the operator's install steps (README). */
export const NAMESPACE = 'stratus';
export const PART_OF = 'stratus';
/** The placeholder every container names; each overlay's `images:` sets registry and tag. */
export const IMAGE = 'stratus';
export const SERVICE_ACCOUNT = 'stratus';
export const CONFIG_MAP = 'stratus-config';

export const TOKEN_KEYS_SECRET = 'stratus-token-keys';
export const TOKEN_KEYS_MOUNT = '/etc/stratus/token-keys';
/** Key `url`: nats://stratus:<password>@nats.nats.svc:4222, the services' NATS credentials. */
export const NATS_SECRET = 'stratus-nats';

/** The MariaDB custom resource (mariadb-operator) and its Service. */
export const DATABASE_HOST = 'mariadb';
export const DATABASE_ROOT_SECRET = 'mariadb-root';

/** Where the NATS Helm release, the Ingress controller and Prometheus run. */
export const NATS_NAMESPACE = 'nats';
export const INGRESS_NAMESPACE = 'ingress-nginx';
export const MONITORING_NAMESPACE = 'monitoring';

/** Nodes that run compute-agent: `kubectl label node <node> stratus.io/hypervisor=true`. */
export const HYPERVISOR_LABEL = 'stratus.io/hypervisor';

/** Parent of every data folder, in the services' pods and on hypervisor hosts alike. */
export const DATA_ROOT = '/var/lib/stratus';
