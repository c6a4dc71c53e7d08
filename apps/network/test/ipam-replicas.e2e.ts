import { freePort, ServiceProcess, TestCloud } from '@stratus/testing';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

interface NeutronPort {
  id: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

/** Two replicas of the network service on one database and one NATS namespace, as in a Deployment. */
describe('IP address management across two network service replicas', () => {
  let cloud: TestCloud;
  let second: ServiceProcess;
  let token: string;
  let replicas: string[];
  let networkId: string;
  let subnetId: string;
  const ports: NeutronPort[] = [];

  const call = async (url: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/v2.0/${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  };

  /** Creates ports from both replicas at once, alternating, and returns each answer. */
  const createPorts = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_v, i) =>
        call(replicas[i % 2], 'POST', 'ports', { port: { network_id: networkId, name: `p${i}` } }),
      ),
    );

  beforeAll(async () => {
    cloud = await TestCloud.start(['network']);
    const port = await freePort();
    second = await ServiceProcess.start('network', port, {
      ...cloud.env.baseEnv('network'),
      NETWORK_PORT: String(port),
    });
    replicas = [cloud.service('network').url, second.url];
    const member = await cloud.createProjectUser('ipam', 'member');
    token = await cloud.token(member);
    const network = await call(replicas[0], 'POST', 'networks', { network: { name: 'busy' } });
    networkId = (network.body.network as { id: string }).id;
    const subnet = await call(replicas[1], 'POST', 'subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.50.0.0/24' },
    });
    expect(subnet.status).toBe(201);
    subnetId = (subnet.body.subnet as { id: string }).id;
  });

  afterAll(async () => {
    await second?.stop();
    await cloud?.stop();
  });

  it('gives 200 ports created concurrently through both replicas 200 distinct addresses and MACs', async () => {
    const answers = await createPorts(200);
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(201));
    ports.push(...answers.map((a) => a.body.port as NeutronPort));
    const addresses = ports.map((p) => p.fixed_ips[0].ip_address);
    expect(new Set(addresses).size).toBe(200);
    expect(addresses.every((ip) => /^10\.50\.0\.(\d+)$/.test(ip) && ip !== '10.50.0.1')).toBe(true);
    expect(new Set(ports.map((p) => p.mac_address)).size).toBe(200);
    const listed = await call(replicas[1], 'GET', `ports?network_id=${networkId}&fields=id`);
    expect((listed.body.ports as unknown[]).length).toBe(200);
  });

  it('fills the /24 and answers the 254th allocation with 409 IpAddressGenerationFailure', async () => {
    const answers = await createPorts(53);
    expect(answers.map((a) => a.status)).toEqual(Array(53).fill(201));
    ports.push(...answers.map((a) => a.body.port as NeutronPort));
    expect(new Set(ports.map((p) => p.fixed_ips[0].ip_address)).size).toBe(253);
    const refused = await call(replicas[0], 'POST', 'ports', { port: { network_id: networkId } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      NeutronError: {
        type: 'IpAddressGenerationFailure',
        message: `No more IP addresses available on network ${networkId}.`,
        detail: '',
      },
    });
  });

  it('frees addresses of deleted ports and refuses to delete a subnet or network in use', async () => {
    const freed = ports.pop()!;
    expect((await call(replicas[1], 'DELETE', `ports/${freed.id}`)).status).toBe(204);
    const reused = await call(replicas[0], 'POST', 'ports', { port: { network_id: networkId } });
    expect(reused.status).toBe(201);
    const reusedPort = reused.body.port as NeutronPort;
    expect(reusedPort.fixed_ips[0].ip_address).toBe(freed.fixed_ips[0].ip_address);
    ports.push(reusedPort);

    const subnetInUse = await call(replicas[0], 'DELETE', `subnets/${subnetId}`);
    expect(subnetInUse.status).toBe(409);
    expect((subnetInUse.body.NeutronError as Json).type).toBe('SubnetInUse');
    const networkInUse = await call(replicas[1], 'DELETE', `networks/${networkId}`);
    expect(networkInUse.status).toBe(409);
    expect((networkInUse.body.NeutronError as Json).type).toBe('NetworkInUse');

    const deletions = await Promise.all(
      ports.map((p, i) => call(replicas[i % 2], 'DELETE', `ports/${p.id}`)),
    );
    expect(deletions.every((d) => d.status === 204)).toBe(true);
    expect((await call(replicas[0], 'DELETE', `subnets/${subnetId}`)).status).toBe(204);
    expect((await call(replicas[1], 'DELETE', `networks/${networkId}`)).status).toBe(204);
  });
});
