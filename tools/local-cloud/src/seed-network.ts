interface Neutron {
  url: string;
  token: string;
}

async function call<T>(api: Neutron, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api.url}/v2.0${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Auth-Token': api.token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Finds a resource by name in the caller's view, or creates it. */
async function ensure(
  api: Neutron,
  collection: string,
  key: string,
  body: Record<string, unknown>,
): Promise<string> {
  const listed = await call<Record<string, { id: string }[]>>(
    api,
    'GET',
    `/${collection}?name=${encodeURIComponent(String(body.name))}`,
  );
  if (listed[collection].length > 0) return listed[collection][0].id;
  const created = await call<Record<string, { id: string }>>(api, 'POST', `/${collection}`, { [key]: body });
  return created[key].id;
}

/**
 * The demo networking DevStack sets up: an external `public` network (admin), and for the demo
 * project a `private` network with an IPv4 subnet and a router from it to `public`.
 */
export async function seedNetworks(url: string, adminToken: string, demoToken: string): Promise<string> {
  const admin = { url, token: adminToken };
  const demo = { url, token: demoToken };
  const publicId = await ensure(admin, 'networks', 'network', {
    name: 'public',
    'router:external': true,
    shared: false,
  });
  await ensure(admin, 'subnets', 'subnet', {
    name: 'public-subnet',
    network_id: publicId,
    ip_version: 4,
    cidr: '172.24.4.0/24',
    gateway_ip: '172.24.4.1',
    allocation_pools: [{ start: '172.24.4.10', end: '172.24.4.250' }],
    enable_dhcp: false,
  });
  const privateId = await ensure(demo, 'networks', 'network', { name: 'private' });
  const subnetId = await ensure(demo, 'subnets', 'subnet', {
    name: 'private-subnet',
    network_id: privateId,
    ip_version: 4,
    cidr: '10.0.0.0/24',
  });
  const routers = await call<{ routers: { id: string }[] }>(demo, 'GET', '/routers?name=router1');
  if (routers.routers.length === 0) {
    const { router } = await call<{ router: { id: string } }>(demo, 'POST', '/routers', {
      router: { name: 'router1', external_gateway_info: { network_id: publicId } },
    });
    await call(demo, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: subnetId });
  }
  return 'networks: public (external), private 10.0.0.0/24 for demo, router1 between them';
}
