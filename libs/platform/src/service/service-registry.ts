/** Where each Stratus service listens by default and how the identity catalog names it. */
export interface ServiceDescriptor {
  /** The app folder under apps/. */
  name: string;
  /** OpenStack's default port for the API. */
  defaultPort: number;
  portVariable: string;
  catalog?: { type: string; name: string; path: string; aliasTypes?: string[] };
}

export const SERVICE_REGISTRY: readonly ServiceDescriptor[] = [
  {
    name: 'identity',
    defaultPort: 5000,
    portVariable: 'IDENTITY_PORT',
    catalog: { type: 'identity', name: 'keystone', path: '/v3' },
  },
  {
    name: 'image',
    defaultPort: 9292,
    portVariable: 'IMAGE_PORT',
    catalog: { type: 'image', name: 'glance', path: '' },
  },
  {
    name: 'network',
    defaultPort: 9696,
    portVariable: 'NETWORK_PORT',
    catalog: { type: 'network', name: 'neutron', path: '' },
  },
  {
    name: 'block-storage',
    defaultPort: 8776,
    portVariable: 'BLOCK_STORAGE_PORT',
    // openstackclient's `limits show` and gophercloud (Terraform) look Cinder up as volumev3 only.
    catalog: {
      type: 'block-storage',
      name: 'cinderv3',
      path: '/v3/%(project_id)s',
      aliasTypes: ['volumev3'],
    },
  },
  {
    name: 'object-storage',
    defaultPort: 8080,
    portVariable: 'OBJECT_STORAGE_PORT',
    catalog: { type: 'object-store', name: 'swift', path: '/v1/AUTH_%(project_id)s' },
  },
  {
    name: 'compute-api',
    defaultPort: 8774,
    portVariable: 'COMPUTE_API_PORT',
    catalog: { type: 'compute', name: 'nova', path: '/v2.1' },
  },
  { name: 'scheduler', defaultPort: 8780, portVariable: 'SCHEDULER_PORT' },
  { name: 'compute-agent', defaultPort: 8781, portVariable: 'COMPUTE_AGENT_PORT' },
];

export function serviceDescriptor(name: string): ServiceDescriptor {
  const found = SERVICE_REGISTRY.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service ${name}`);
  return found;
}

/** The entry identity's bootstrap takes: one per service with an API, all interfaces at one URL. */
export function catalogEntry(
  name: string,
  baseUrl: string,
): { type: string; name: string; public: string } | undefined {
  const catalog = serviceDescriptor(name).catalog;
  return catalog && { type: catalog.type, name: catalog.name, public: `${baseUrl}${catalog.path}` };
}

/** Every catalog entry of a service: its own type and the older types clients still look up. */
export function catalogEntries(
  name: string,
  baseUrl: string,
): { type: string; name: string; public: string }[] {
  const entry = catalogEntry(name, baseUrl);
  if (!entry) return [];
  return [entry, ...(serviceDescriptor(name).catalog?.aliasTypes ?? []).map((type) => ({ ...entry, type }))];
}
