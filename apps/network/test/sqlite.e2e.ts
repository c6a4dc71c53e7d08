import { freePort, ServiceProcess, TestCloud } from '@stratus/testing';

jest.setTimeout(60_000);

interface Body {
  network: { id: string };
  subnet: { id: string };
  port: { fixed_ips: { ip_address: string }[] };
  NeutronError: { type: string };
}

/** `npm start` runs the service on its embedded SQLite database: the same API must hold there. */
describe('network service on SQLite', () => {
  let cloud: TestCloud;
  let embedded: ServiceProcess;
  let token: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${embedded.url}/v2.0/${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json().catch(() => ({}))) as Body,
    };
  };

  beforeAll(async () => {
    cloud = await TestCloud.start([]);
    const port = await freePort();
    const { DATABASE_URL: _mysql, ...env } = cloud.env.baseEnv('network');
    embedded = await ServiceProcess.start('network', port, { ...env, NETWORK_PORT: String(port) });
    token = await cloud.token(await cloud.createProjectUser('sqlite', 'member'));
  });

  afterAll(async () => {
    await embedded?.stop();
    await cloud?.stop();
  });

  it('allocates distinct addresses to concurrent ports and refuses the one too many', async () => {
    const network = await call('POST', 'networks', { network: { name: 'embedded' } });
    const networkId = network.body.network.id;
    const subnet = await call('POST', 'subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.95.0.0/27' },
    });
    expect(subnet.status).toBe(201);
    const ports = await Promise.all(
      Array.from({ length: 29 }, () => call('POST', 'ports', { port: { network_id: networkId } })),
    );
    expect(ports.map((p) => p.status)).toEqual(Array(29).fill(201));
    const addresses = ports.map((p) => p.body.port.fixed_ips[0].ip_address);
    expect(new Set(addresses).size).toBe(29);
    const refused = await call('POST', 'ports', { port: { network_id: networkId } });
    expect(refused.body.NeutronError.type).toBe('IpAddressGenerationFailure');
    expect((await call('DELETE', `subnets/${subnet.body.subnet.id}`)).body.NeutronError.type).toBe(
      'SubnetInUse',
    );
  });
});
