import { Logger } from '@nestjs/common';
import { BindPort, CreatePort } from '@stratus/contracts';
import { BusService, DomainError, MetricsRegistry, RpcClient } from '@stratus/platform';
import { freePort, ServiceProcess, TEST_NATS_URL, TestCloud } from '@stratus/testing';
import { randomUUID } from 'node:crypto';

jest.setTimeout(60_000);

interface Body {
  network: { id: string };
  subnet: { id: string };
  port: { id: string; device_id: string; fixed_ips: { ip_address: string }[] };
  NeutronError: { type: string };
}

/** `npm start` runs the service on its embedded SQLite database: the same API must hold there. */
describe('network service on SQLite', () => {
  let cloud: TestCloud;
  let embedded: ServiceProcess;
  let token: string;
  let projectId: string;
  let bus: BusService;
  let rpc: RpcClient;

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
    const user = await cloud.createProjectUser('sqlite', 'member');
    projectId = user.projectId;
    token = await cloud.token(user);
    Logger.overrideLogger(['error']);
    bus = new BusService({ url: TEST_NATS_URL, namespace: cloud.env.id, name: 'sqlite-test' });
    await bus.connect();
    rpc = new RpcClient(
      { url: TEST_NATS_URL, name: 'sqlite-test', defaultTimeoutMs: 5000 },
      bus,
      new MetricsRegistry('sqlite-test', false),
    );
  });

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
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

  it('creates ports for servers and gives a port claimed by several at once to one of them', async () => {
    const network = await call('POST', 'networks', { network: { name: 'claims' } });
    const networkId = network.body.network.id;
    await call('POST', 'subnets', { subnet: { network_id: networkId, ip_version: 4, cidr: '10.96.0.0/24' } });
    const forServer = await rpc.request(CreatePort, { projectId, networkId, deviceId: randomUUID() });
    expect(forServer).toMatchObject({
      networkName: 'claims',
      status: 'DOWN',
      binding: { vifType: 'unbound' },
    });

    const port = await call('POST', 'ports', { port: { network_id: networkId } });
    const claims = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        rpc.request(BindPort, { portId: port.body.port.id, hostId: `host-${i}`, deviceId: randomUUID() }),
      ),
    );
    const won = claims.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ status: 'ACTIVE', binding: { vifType: 'bridge' } });
    for (const claim of claims) {
      if (claim.status === 'rejected') expect((claim.reason as DomainError).type).toBe('PortInUse');
    }
    const seen = await call('GET', `ports/${port.body.port.id}`);
    expect(seen.body.port.device_id).toBe(won[0].deviceId);
  });
});
