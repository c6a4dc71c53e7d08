import { Logger } from '@nestjs/common';
import {
  BindPort,
  CreatePort,
  DeletePort,
  GetNetwork,
  GetPort,
  ListNetworks,
  PortChanged,
  PortChangedEvent,
  UnbindPort,
} from '@stratus/contracts';
import { BusService, DomainError, MetricsRegistry, RpcClient } from '@stratus/platform';
import { expectEventually, TEST_NATS_URL, TestCloud } from '@stratus/testing';
import { randomUUID } from 'node:crypto';

jest.setTimeout(60_000);

type Json = Record<string, unknown>;

/** What compute does with ports over NATS, through the same RpcClient compute-api uses. */
describe('network service requests and events for compute', () => {
  let cloud: TestCloud;
  let bus: BusService;
  let rpc: RpcClient;
  let projectId: string;
  let otherProjectId: string;
  let token: string;
  let adminToken: string;
  let networkId: string;
  let subnetId: string;
  const events: PortChangedEvent[] = [];

  const api = async (auth: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${cloud.service('network').url}/v2.0/${path}`, {
      method,
      headers: { 'X-Auth-Token': auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, Json> };
  };

  const failure = async (promise: Promise<unknown>): Promise<DomainError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    cloud = await TestCloud.start(['network']);
    bus = new BusService({ url: TEST_NATS_URL, namespace: cloud.env.id, name: 'compute-test' });
    await bus.connect();
    rpc = new RpcClient(
      { url: TEST_NATS_URL, name: 'compute-test', defaultTimeoutMs: 5000 },
      bus,
      new MetricsRegistry('compute-test', false),
    );
    const member = await cloud.createProjectUser('rpc', 'member');
    const other = await cloud.createProjectUser('rpc-other', 'member');
    projectId = member.projectId;
    otherProjectId = other.projectId;
    token = await cloud.token(member);
    adminToken = await cloud.adminToken();
    const network = await api(token, 'POST', 'networks', { network: { name: 'servers' } });
    networkId = String(network.body.network.id);
    const subnet = await api(token, 'POST', 'subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.90.0.0/24', dns_nameservers: ['10.90.0.2'] },
    });
    subnetId = String(subnet.body.subnet.id);
    await bus.follow(
      'NETWORK_PORTS',
      PortChanged,
      (event) => events.push(event),
      () => undefined,
    );
  });

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    await cloud?.stop();
  });

  it('lists and gets the networks a project may attach servers to', async () => {
    const networks = await rpc.request(ListNetworks, { projectId });
    expect(networks.map((n) => n.id)).toEqual([networkId]);
    expect(networks[0]).toMatchObject({ projectId, mtu: 1450, networkType: 'vxlan', subnetIds: [subnetId] });
    expect(await rpc.request(ListNetworks, { projectId: otherProjectId })).toEqual([]);
    const network = await rpc.request(GetNetwork, { networkId, projectId });
    expect(network.name).toBe('servers');
    const hidden = await failure(rpc.request(GetNetwork, { networkId, projectId: otherProjectId }));
    expect({ status: hidden.status, type: hidden.type }).toEqual({ status: 404, type: 'NetworkNotFound' });
  });

  it('creates a port for a server, binds it to a host, unbinds and deletes it, with events', async () => {
    const serverId = randomUUID();
    const created = await rpc.request(CreatePort, {
      projectId,
      networkId,
      deviceId: serverId,
      deviceOwner: 'compute:nova',
    });
    expect(created).toMatchObject({
      projectId,
      networkId,
      deviceId: serverId,
      deviceOwner: 'compute:nova',
      status: 'DOWN',
      mtu: 1450,
      portSecurityEnabled: true,
      binding: { hostId: '', vifType: 'unbound', vnicType: 'normal' },
    });
    expect(created.securityGroupIds).toHaveLength(1);
    expect(created.fixedIps).toEqual([
      {
        subnetId,
        ipAddress: expect.stringMatching(/^10\.90\.0\.\d+$/),
        ipVersion: 4,
        cidr: '10.90.0.0/24',
        gatewayIp: '10.90.0.1',
        dnsNameservers: ['10.90.0.2'],
        hostRoutes: [],
        enableDhcp: true,
      },
    ]);

    const bound = await rpc.request(BindPort, { portId: created.id, hostId: 'compute-1' });
    expect(bound).toMatchObject({
      status: 'ACTIVE',
      binding: {
        hostId: 'compute-1',
        vifType: 'bridge',
        vifDetails: { bridge_name: `brq${networkId.slice(0, 11)}`, connectivity: 'l2', port_filter: true },
      },
    });
    const seen = await api(adminToken, 'GET', `ports/${created.id}`);
    expect(seen.body.port).toMatchObject({ 'binding:host_id': 'compute-1', device_id: serverId });
    // The first binding reserves the subnet's DHCP server address: the first of the pool, unless
    // the server's port happened to get that one.
    const dhcpServerIp = bound.fixedIps[0].dhcpServerIp;
    expect(dhcpServerIp).toEqual(
      created.fixedIps[0].ipAddress === '10.90.0.2' ? expect.stringMatching(/^10\.90\.0\.\d+$/) : '10.90.0.2',
    );
    expect(dhcpServerIp).not.toBe(created.fixedIps[0].ipAddress);
    const dhcpPorts = await api(adminToken, 'GET', `ports?network_id=${networkId}&device_owner=network:dhcp`);
    expect(dhcpPorts.body.ports).toEqual([
      expect.objectContaining({
        device_id: `dhcp-${networkId}`,
        status: 'ACTIVE',
        fixed_ips: [{ subnet_id: subnetId, ip_address: dhcpServerIp }],
      }),
    ]);
    expect((await rpc.request(GetPort, { portId: created.id })).fixedIps[0].dhcpServerIp).toBe(dhcpServerIp);
    const taken = await failure(
      rpc.request(BindPort, { portId: created.id, hostId: 'compute-2', deviceId: randomUUID() }),
    );
    expect({ status: taken.status, type: taken.type }).toEqual({ status: 409, type: 'PortInUse' });

    const unbound = await rpc.request(UnbindPort, { portId: created.id, releaseDevice: true });
    expect(unbound).toMatchObject({
      deviceId: '',
      deviceOwner: '',
      status: 'DOWN',
      binding: { hostId: '', vifType: 'unbound' },
    });
    expect(await rpc.request(GetPort, { portId: created.id })).toMatchObject({
      id: created.id,
      deviceId: '',
    });

    expect(await rpc.request(DeletePort, { portId: created.id })).toEqual({ deleted: true });
    const gone = await failure(rpc.request(GetPort, { portId: created.id }));
    expect({ status: gone.status, type: gone.type }).toEqual({ status: 404, type: 'PortNotFound' });

    await expectEventually(() =>
      expect(events.filter((e) => e.port.id === created.id).map((e) => e.change)).toEqual([
        'created',
        'bound',
        'unbound',
        'deleted',
      ]),
    );
  });

  it("uses the project's named security groups and refuses what the project may not use", async () => {
    const group = await api(token, 'POST', 'security-groups', { security_group: { name: 'web' } });
    const port = await rpc.request(CreatePort, {
      projectId,
      networkId,
      deviceId: randomUUID(),
      securityGroups: ['web'],
      fixedIps: [{ ipAddress: '10.90.0.77' }],
    });
    expect(port.securityGroupIds).toEqual([group.body.security_group.id]);
    expect(port.fixedIps.map((ip) => ip.ipAddress)).toEqual(['10.90.0.77']);
    const unknownGroup = await failure(
      rpc.request(CreatePort, { projectId, networkId, deviceId: randomUUID(), securityGroups: ['nope'] }),
    );
    expect(unknownGroup.type).toBe('SecurityGroupNotFound');
    const foreign = await failure(
      rpc.request(CreatePort, { projectId: otherProjectId, networkId, deviceId: randomUUID() }),
    );
    expect({ status: foreign.status, type: foreign.type }).toEqual({ status: 404, type: 'NetworkNotFound' });
    const taken = await failure(
      rpc.request(CreatePort, {
        projectId,
        networkId,
        deviceId: randomUUID(),
        fixedIps: [{ ipAddress: '10.90.0.77' }],
      }),
    );
    expect(taken.type).toBe('IpAddressAlreadyAllocated');
    const hiddenAndUnknown = await failure(
      rpc.request(CreatePort, {
        projectId: otherProjectId,
        networkId,
        deviceId: randomUUID(),
        securityGroups: ['nope'],
      }),
    );
    expect(hiddenAndUnknown.type).toBe('NetworkNotFound');
  });

  it('names the network in the port, so compute needs no second request for it', async () => {
    const port = await rpc.request(CreatePort, { projectId, networkId, deviceId: randomUUID() });
    expect(port.networkName).toBe('servers');
    expect((await rpc.request(GetPort, { portId: port.id })).networkName).toBe('servers');
    expect((await rpc.request(BindPort, { portId: port.id, hostId: 'compute-1' })).networkName).toBe(
      'servers',
    );
  });

  it('gives a port that servers claim at the same time to exactly one of them', async () => {
    const created = await api(token, 'POST', 'ports', { port: { network_id: networkId } });
    const portId = String(created.body.port.id);
    const servers = Array.from({ length: 8 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      servers.map((deviceId, i) =>
        rpc.request(BindPort, { portId, hostId: `compute-${i}`, deviceId, deviceOwner: 'compute:nova' }),
      ),
    );
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(won).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as DomainError).type).toBe('PortInUse');
    }
    const seen = await api(adminToken, 'GET', `ports/${portId}`);
    expect(seen.body.port).toMatchObject({
      device_id: won[0].deviceId,
      'binding:host_id': won[0].binding.hostId,
      status: 'ACTIVE',
      revision_number: Number(created.body.port.revision_number) + 1,
    });

    // The winner rebinding to other hosts at once (a reschedule racing itself) ends on one of them.
    const hosts = ['compute-a', 'compute-b', 'compute-c', 'compute-d'];
    const rebound = await Promise.all(
      hosts.map((hostId) => rpc.request(BindPort, { portId, hostId, deviceId: won[0].deviceId })),
    );
    expect(rebound.map((p) => p.binding.hostId)).toEqual(hosts);
    const after = await api(adminToken, 'GET', `ports/${portId}`);
    expect(hosts).toContain(after.body.port['binding:host_id']);
    expect(after.body.port.revision_number).toBe(
      Number(created.body.port.revision_number) + 1 + hosts.length,
    );
  });
});
