import { openstackSdk, TestCloud } from '@stratus/testing';

jest.setTimeout(120_000);

// JSON bodies are read field by field in assertions; typing each shape would only restate the API.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Answer {
  status: number;
  body: Json;
}

/** The Networking API over HTTP, for what the CLI cannot express (exact error bodies, headers). */
describe('Networking v2.0 API details', () => {
  let cloud: TestCloud;
  let url: string;
  let admin: string;
  let member: string;
  let other: string;
  let memberProject: string;
  let otherProject: string;
  const answers: Answer[] = [];

  const call = async (
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { 'X-Auth-Token': token } : {}),
        'Content-Type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const answer = { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
    answers.push(answer);
    return answer;
  };

  const created = async (token: string, collection: string, resource: string, attributes: Json) => {
    const answer = await call(token, 'POST', `/v2.0/${collection}`, { [resource]: attributes });
    if (answer.status !== 201)
      throw new Error(`POST ${collection}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body[resource] as Json;
  };

  const expectError = (answer: Answer, status: number, type: string, message?: RegExp) => {
    expect({ status: answer.status, type: answer.body.NeutronError?.type }).toEqual({ status, type });
    expect(answer.body.NeutronError.detail).toBe('');
    if (message) expect(answer.body.NeutronError.message).toMatch(message);
  };

  beforeAll(async () => {
    cloud = await TestCloud.start(['network']);
    url = cloud.service('network').url;
    admin = await cloud.adminToken();
    const m = await cloud.createProjectUser('api', 'member');
    const o = await cloud.createProjectUser('api-other', 'member');
    memberProject = m.projectId;
    otherProject = o.projectId;
    member = await cloud.token(m);
    other = await cloud.token(o);
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  afterEach(() => {
    // Whatever a client sends, the answer is never a server error.
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  });

  it('serves the version document, the core resources and only the extensions it implements', async () => {
    const root = await call(undefined, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.body.versions).toEqual([
      { id: 'v2.0', status: 'CURRENT', links: [{ href: `${url}/v2.0/`, rel: 'self' }] },
    ]);
    const v2 = await call(undefined, 'GET', '/v2.0');
    expect(v2.body.resources.map((r: Json) => r.collection)).toEqual(['networks', 'subnets', 'ports']);
    const extensions = await call(member, 'GET', '/v2.0/extensions');
    const aliases = extensions.body.extensions.map((e: Json) => e.alias);
    for (const alias of [
      'security-group',
      'router',
      'external-net',
      'quotas',
      'standard-attr-tag',
      'binding',
      'allowed-address-pairs',
      'port-security',
      'pagination',
      'sorting',
    ]) {
      expect(aliases).toContain(alias);
    }
    for (const missing of ['extra_dhcp_opt', 'dns-integration', 'qos', 'subnet_allocation', 'trunk']) {
      expect(aliases).not.toContain(missing);
    }
    expect((await call(member, 'GET', '/v2.0/extensions/router')).body.extension.alias).toBe('router');
    expect((await call(member, 'GET', '/v2.0/extensions/extra_dhcp_opt')).status).toBe(404);
    expect((await call(undefined, 'GET', '/v2.0/networks')).status).toBe(401);
  });

  it('refuses malformed subnets, bad pools, gateways, DNS servers and routes', async () => {
    const network = await created(member, 'networks', 'network', { name: 'subnets' });
    const subnet = (attributes: Json) =>
      call(member, 'POST', '/v2.0/subnets', {
        subnet: { network_id: network.id, ip_version: 4, ...attributes },
      });
    expectError(await subnet({ cidr: 'banana' }), 400, 'HTTPBadRequest', /'banana' is not a valid IP subnet/);
    expectError(
      await subnet({ cidr: '10.0.0.5/24' }),
      400,
      'HTTPBadRequest',
      /'10.0.0.0\/24' is recommended/,
    );
    expectError(await subnet({ cidr: '10.0.0.0/33' }), 400, 'HTTPBadRequest');
    expectError(await subnet({ cidr: 'fd00::/64' }), 400, 'InvalidInput', /does not match the ip_version/);
    expectError(await subnet({ cidr: '10.0.0.0/24', ip_version: 5 }), 400, 'HTTPBadRequest');
    expectError(
      await subnet({
        cidr: '10.0.0.0/24',
        allocation_pools: [
          { start: '10.0.0.10', end: '10.0.0.50' },
          { start: '10.0.0.40', end: '10.0.0.60' },
        ],
      }),
      409,
      'OverlappingAllocationPools',
      /10.0.0.10-10.0.0.50 10.0.0.40-10.0.0.60/,
    );
    expectError(
      await subnet({ cidr: '10.0.0.0/24', allocation_pools: [{ start: '10.0.0.200', end: '10.0.1.5' }] }),
      400,
      'OutOfBoundsAllocationPool',
    );
    expectError(
      await subnet({ cidr: '10.0.0.0/24', allocation_pools: [{ start: '10.0.0.0', end: '10.0.0.5' }] }),
      400,
      'OutOfBoundsAllocationPool',
    );
    expectError(
      await subnet({ cidr: '10.0.0.0/24', allocation_pools: [{ start: '10.0.0.9', end: '10.0.0.5' }] }),
      400,
      'InvalidAllocationPool',
    );
    expectError(
      await subnet({
        cidr: '10.0.0.0/24',
        gateway_ip: '10.0.0.7',
        allocation_pools: [{ start: '10.0.0.5', end: '10.0.0.9' }],
      }),
      409,
      'GatewayConflictWithAllocationPools',
    );
    expectError(await subnet({ cidr: '10.0.0.0/24', gateway_ip: '10.0.0.255' }), 400, 'InvalidInput');
    expectError(await subnet({ cidr: '10.0.0.0/24', gateway_ip: 'fd00::1' }), 400, 'InvalidInput');
    expectError(
      await subnet({ cidr: '10.0.0.0/24', dns_nameservers: ['1.1.1.1', '1.1.1.1'] }),
      400,
      'HTTPBadRequest',
      /Duplicate nameserver/,
    );
    expectError(
      await subnet({
        cidr: '10.0.0.0/24',
        dns_nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5', '1.1.1.6'],
      }),
      400,
      'DNSNameServersExhausted',
    );
    expectError(await subnet({ cidr: '10.0.0.0/24', dns_nameservers: ['not-an-ip'] }), 400, 'HTTPBadRequest');
    expectError(
      await subnet({
        cidr: '10.0.0.0/24',
        host_routes: [{ destination: '192.168.0.0/16', nexthop: 'fd00::1' }],
      }),
      400,
      'InvalidInput',
    );
    expectError(
      await call(member, 'POST', '/v2.0/subnets', {
        subnet: { network_id: network.id, ip_version: 6, cidr: 'fd00:1::/80', ipv6_address_mode: 'slaac' },
      }),
      400,
      'InvalidInput',
      /requires the prefix to be \/64/,
    );
    expect((await subnet({ cidr: '10.0.0.0/24', name: 'first' })).status).toBe(201);
    expectError(await subnet({ cidr: '10.0.0.128/25' }), 400, 'InvalidInput', /overlaps with another subnet/);
    expectError(
      await call(member, 'POST', '/v2.0/subnets', {
        subnet: { network_id: '0b5e2b4c-7a1e-4f43-9d2b-8a4f1c2d3e4f', ip_version: 4, cidr: '10.9.0.0/24' },
      }),
      404,
      'NetworkNotFound',
    );
  });

  it('refuses invalid security group rules, duplicates and the default group being removed', async () => {
    const group = await created(member, 'security-groups', 'security_group', { name: 'rules' });
    const rule = (attributes: Json) =>
      call(member, 'POST', '/v2.0/security-group-rules', {
        security_group_rule: { security_group_id: group.id, direction: 'ingress', ...attributes },
      });
    expectError(await rule({ protocol: 'carrier-pigeon' }), 400, 'SecurityGroupRuleInvalidProtocol');
    expectError(await rule({ protocol: '256' }), 400, 'SecurityGroupRuleInvalidProtocol');
    expectError(
      await rule({ protocol: 'tcp', port_range_min: 90, port_range_max: 80 }),
      400,
      'SecurityGroupInvalidPortRange',
    );
    expectError(
      await rule({ protocol: 'tcp', port_range_min: 1, port_range_max: 70000 }),
      400,
      'SecurityGroupInvalidPortValue',
    );
    expectError(
      await rule({ port_range_min: 22, port_range_max: 22 }),
      400,
      'SecurityGroupProtocolRequiredWithPorts',
    );
    expectError(await rule({ protocol: 'icmp', port_range_min: 300 }), 400, 'SecurityGroupInvalidIcmpValue');
    expectError(
      await rule({ protocol: 'gre', port_range_min: 1, port_range_max: 2 }),
      400,
      'SecurityGroupInvalidProtocolForPortRange',
    );
    expectError(await rule({ remote_ip_prefix: 'fd00::/64' }), 400, 'SecurityGroupRuleParameterConflict');
    expectError(
      await rule({ remote_ip_prefix: '10.0.0.0/8', remote_group_id: group.id }),
      400,
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
    );
    expectError(await rule({ remote_ip_prefix: '10.0.0.0/40' }), 400, 'HTTPBadRequest');
    expectError(await rule({ ethertype: 'IPv5' }), 400, 'SecurityGroupRuleInvalidEtherType');
    expectError(await rule({ protocol: 'ipv6-icmp' }), 400, 'SecurityGroupEthertypeConflictWithProtocol');
    expectError(await rule({ direction: 'sideways' }), 400, 'HTTPBadRequest');
    expectError(
      await rule({ remote_group_id: '0b5e2b4c-7a1e-4f43-9d2b-8a4f1c2d3e4f' }),
      404,
      'SecurityGroupNotFound',
    );
    const ssh = await rule({
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: '10.0.0.5/8',
    });
    expect(ssh.status).toBe(201);
    expect(ssh.body.security_group_rule).toMatchObject({
      remote_ip_prefix: '10.0.0.5/8',
      normalized_cidr: '10.0.0.0/8',
    });
    expectError(
      await rule({ protocol: '6', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.0.0.0/8' }),
      409,
      'SecurityGroupRuleExists',
      new RegExp(`Rule id is ${ssh.body.security_group_rule.id}`),
    );
    expectError(
      await rule({
        protocol: 'udp',
        remote_ip_prefix: '0.0.0.0/0',
        ethertype: 'ipv4',
        direction: 'egress',
        port_range_min: 53,
        port_range_max: 53,
      }).then(async (first) => {
        expect(first.status).toBe(201);
        return rule({ protocol: 'udp', direction: 'egress', port_range_min: 53, port_range_max: 53 });
      }),
      409,
      'SecurityGroupRuleExists',
    );
    expectError(
      await call(member, 'POST', '/v2.0/security-groups', { security_group: { name: 'default' } }),
      409,
      'SecurityGroupDefaultAlreadyExists',
    );
    const groups = await call(member, 'GET', '/v2.0/security-groups?name=default');
    const defaultGroup = groups.body.security_groups[0];
    expect(
      defaultGroup.security_group_rules
        .map((r: Json) => `${r.direction}/${r.ethertype}/${r.remote_group_id === defaultGroup.id}`)
        .sort(),
    ).toEqual(['egress/IPv4/false', 'egress/IPv6/false', 'ingress/IPv4/true', 'ingress/IPv6/true']);
    expectError(
      await call(member, 'DELETE', `/v2.0/security-groups/${defaultGroup.id}`),
      409,
      'SecurityGroupCannotRemoveDefault',
    );
    const network = await created(member, 'networks', 'network', { name: 'sg-net' });
    await created(member, 'subnets', 'subnet', {
      network_id: network.id,
      ip_version: 4,
      cidr: '10.70.0.0/24',
    });
    const port = await created(member, 'ports', 'port', {
      network_id: network.id,
      security_groups: [group.id],
    });
    expect(port.security_groups).toEqual([group.id]);
    expectError(await call(member, 'DELETE', `/v2.0/security-groups/${group.id}`), 409, 'SecurityGroupInUse');
    expectError(
      await call(other, 'POST', '/v2.0/security-group-rules', {
        security_group_rule: { security_group_id: group.id, direction: 'ingress' },
      }),
      404,
      'SecurityGroupNotFound',
    );
  });

  it('lets a reader look but not change anything', async () => {
    const reader = await cloud.token(await cloud.createProjectUser('api-reader', 'reader'));
    expect((await call(reader, 'GET', '/v2.0/networks')).status).toBe(200);
    expect((await call(reader, 'GET', '/v2.0/security-groups')).status).toBe(200);
    expect((await call(reader, 'POST', '/v2.0/networks', { network: { name: 'nope' } })).status).toBe(403);
    expect(
      (await call(reader, 'POST', '/v2.0/security-groups', { security_group: { name: 'nope' } })).status,
    ).toBe(403);
  });

  it('answers unknown ids with the resource-specific 404', async () => {
    const missing = '0b5e2b4c-7a1e-4f43-9d2b-8a4f1c2d3e4f';
    const cases: [string, string, string][] = [
      ['networks', 'network', 'NetworkNotFound'],
      ['subnets', 'subnet', 'SubnetNotFound'],
      ['ports', 'port', 'PortNotFound'],
      ['routers', 'router', 'RouterNotFound'],
      ['floatingips', 'floatingip', 'FloatingIPNotFound'],
      ['security-groups', 'security_group', 'SecurityGroupNotFound'],
    ];
    for (const [collection, resource, type] of cases) {
      expectError(await call(member, 'GET', `/v2.0/${collection}/${missing}`), 404, type);
      expectError(await call(member, 'GET', `/v2.0/${collection}/not-a-uuid`), 404, type);
      expectError(
        await call(member, 'PUT', `/v2.0/${collection}/${missing}`, { [resource]: { description: 'x' } }),
        404,
        type,
      );
      expectError(await call(member, 'DELETE', `/v2.0/${collection}/${missing}`), 404, type);
      expectError(await call(member, 'GET', `/v2.0/${collection}/${missing}/tags`), 404, type);
    }
    expectError(
      await call(member, 'GET', `/v2.0/security-group-rules/${missing}`),
      404,
      'SecurityGroupRuleNotFound',
    );
    expectError(
      await call(member, 'DELETE', `/v2.0/security-group-rules/${missing}`),
      404,
      'SecurityGroupRuleNotFound',
    );
    expectError(
      await call(member, 'GET', `/v2.0/networks?limit=1&marker=${missing}`),
      404,
      'NetworkNotFound',
    );
  });

  it('refuses malformed bodies, unknown attributes, filters and sort keys', async () => {
    expectError(
      await call(member, 'POST', '/v2.0/networks', '{"network": '),
      400,
      'HTTPBadRequest',
      /not valid JSON/,
    );
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { colour: 'red' } }),
      400,
      'HTTPBadRequest',
      /Unrecognized attribute\(s\) 'colour'/,
    );
    expectError(await call(member, 'POST', '/v2.0/networks', { net: {} }), 400, 'HTTPBadRequest');
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { admin_state_up: 'maybe' } }),
      400,
      'HTTPBadRequest',
    );
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { name: 'x'.repeat(256) } }),
      400,
      'HTTPBadRequest',
    );
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { mtu: 9000 } }),
      400,
      'InvalidInput',
      /maximum is 1450/,
    );
    expectError(
      await call(member, 'POST', '/v2.0/ports', { port: { network_id: 'abc' } }),
      400,
      'HTTPBadRequest',
      /not a valid UUID/,
    );
    expectError(
      await call(member, 'GET', '/v2.0/networks?colour=red'),
      400,
      'HTTPBadRequest',
      /colour is invalid attribute for filtering/,
    );
    expectError(
      await call(member, 'GET', '/v2.0/networks?provider:network_type=vxlan'),
      400,
      'HTTPBadRequest',
    );
    expectError(await call(member, 'GET', '/v2.0/networks?sort_key=colour'), 400, 'HTTPBadRequest');
    expectError(
      await call(member, 'GET', '/v2.0/networks?sort_key=name&sort_dir=sideways'),
      400,
      'HTTPBadRequest',
    );
    expectError(await call(member, 'GET', '/v2.0/networks?limit=-1'), 400, 'HTTPBadRequest');
    expectError(await call(member, 'GET', '/v2.0/networks?shared=perhaps'), 400, 'HTTPBadRequest');
    expectError(await call(member, 'GET', '/v2.0/ports?fixed_ips=colour=red'), 400, 'HTTPBadRequest');
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { name: 'x', project_id: otherProject } }),
      400,
      'HTTPBadRequest',
      /requires admin privileges/,
    );
  });

  it('validates port addresses, MACs, security and the admin-only binding attributes', async () => {
    const network = await created(member, 'networks', 'network', { name: 'port-rules' });
    const subnet = await created(member, 'subnets', 'subnet', {
      network_id: network.id,
      ip_version: 4,
      cidr: '10.80.0.0/24',
    });
    const port = (token: string, attributes: Json) =>
      call(token, 'POST', '/v2.0/ports', { port: { network_id: network.id, ...attributes } });
    expectError(await port(member, { fixed_ips: [{ ip_address: '10.81.0.5' }] }), 400, 'InvalidIpForNetwork');
    expectError(
      await port(member, { fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.81.0.5' }] }),
      400,
      'InvalidIpForSubnet',
    );
    expectError(
      await port(member, { fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.80.0.255' }] }),
      400,
      'InvalidIpForSubnet',
    );
    expectError(await port(member, { fixed_ips: [{ ip_address: '10.80.0.1' }] }), 409, 'IpAddressInUse');
    const first = await port(member, {
      fixed_ips: [{ ip_address: '10.80.0.10' }],
      mac_address: 'FA-16-3E-00-00-01',
    });
    expect(first.status).toBe(201);
    expect(first.body.port.mac_address).toBe('fa:16:3e:00:00:01');
    expectError(
      await port(member, { fixed_ips: [{ ip_address: '10.80.0.10' }] }),
      409,
      'IpAddressAlreadyAllocated',
    );
    expectError(await port(member, { mac_address: 'fa:16:3e:00:00:01' }), 409, 'MacAddressInUse');
    expectError(await port(member, { mac_address: '01:00:5e:00:00:01' }), 400, 'HTTPBadRequest');
    expectError(
      await port(member, {
        port_security_enabled: false,
        security_groups: [first.body.port.security_groups[0]],
      }),
      400,
      'PortSecurityAndIPRequiredForSecurityGroups',
    );
    expectError(
      await port(member, {
        port_security_enabled: false,
        allowed_address_pairs: [{ ip_address: '10.80.0.99' }],
      }),
      409,
      'AddressPairAndPortSecurityRequired',
    );
    expectError(await port(member, { 'binding:host_id': 'compute-1' }), 403, 'PolicyNotAuthorized');
    expectError(await port(member, { 'binding:vnic_type': 'warp-drive' }), 400, 'HTTPBadRequest');
    expectError(await port(other, { name: 'intruder' }), 404, 'NetworkNotFound');
    expectError(
      await call(member, 'PUT', `/v2.0/ports/${first.body.port.id}`, {
        port: { port_security_enabled: false },
      }),
      409,
      'PortSecurityPortHasSecurityGroup',
    );
    const memberView = first.body.port;
    expect(memberView).not.toHaveProperty('binding:host_id');
    expect(memberView['binding:vnic_type']).toBe('normal');
    const bound = await call(admin, 'PUT', `/v2.0/ports/${memberView.id}`, {
      port: { 'binding:host_id': 'compute-1' },
    });
    expect(bound.status).toBe(200);
    expect(bound.body.port).toMatchObject({
      'binding:host_id': 'compute-1',
      'binding:vif_type': 'bridge',
      'binding:vif_details': { bridge_name: `brq${String(network.id).slice(0, 11)}`, port_filter: true },
      status: 'ACTIVE',
    });
    expectError(
      await call(admin, 'PUT', `/v2.0/ports/${memberView.id}`, {
        port: { mac_address: 'fa:16:3e:00:00:02' },
      }),
      409,
      'PortBound',
    );
    expectError(await call(member, 'DELETE', `/v2.0/subnets/${subnet.id}`), 409, 'SubnetInUse');
    expectError(await call(member, 'DELETE', `/v2.0/networks/${network.id}`), 409, 'NetworkInUse');
  });

  it('deletes a network together with its DHCP ports, but not under a server port', async () => {
    const network = await created(member, 'networks', 'network', { name: 'dhcp-only' });
    await created(member, 'subnets', 'subnet', {
      network_id: network.id,
      ip_version: 4,
      cidr: '10.85.0.0/24',
    });
    const dhcp = await created(member, 'ports', 'port', {
      network_id: network.id,
      device_owner: 'network:dhcp',
    });
    expect(dhcp.security_groups).toEqual([]);
    const server = await created(member, 'ports', 'port', {
      network_id: network.id,
      device_owner: 'compute:nova',
    });
    expectError(await call(member, 'DELETE', `/v2.0/networks/${network.id}`), 409, 'NetworkInUse');
    expect((await call(member, 'DELETE', `/v2.0/ports/${server.id}`)).status).toBe(204);
    expect((await call(member, 'DELETE', `/v2.0/networks/${network.id}`)).status).toBe(204);
    expectError(await call(member, 'GET', `/v2.0/ports/${dhcp.id}`), 404, 'PortNotFound');
  });

  it('keeps provider attributes for admins and refuses segments already in use', async () => {
    const vlan = await created(admin, 'networks', 'network', {
      name: 'vlan100',
      'provider:network_type': 'vlan',
      'provider:physical_network': 'physnet1',
      'provider:segmentation_id': 100,
    });
    expect(vlan).toMatchObject({ 'provider:segmentation_id': 100, mtu: 1500 });
    expectError(
      await call(admin, 'POST', '/v2.0/networks', {
        network: {
          'provider:network_type': 'vlan',
          'provider:physical_network': 'physnet1',
          'provider:segmentation_id': 100,
        },
      }),
      409,
      'VlanIdInUse',
    );
    expectError(
      await call(admin, 'POST', '/v2.0/networks', {
        network: { 'provider:network_type': 'vlan', 'provider:physical_network': 'nowhere' },
      }),
      400,
      'InvalidInput',
    );
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { 'provider:network_type': 'vxlan' } }),
      403,
      'PolicyNotAuthorized',
    );
    expectError(
      await call(member, 'POST', '/v2.0/networks', { network: { shared: true } }),
      403,
      'PolicyNotAuthorized',
    );
    const mine = await created(member, 'networks', 'network', { name: 'tenant' });
    expect(mine).not.toHaveProperty('provider:segmentation_id');
    const seen = await call(admin, 'GET', `/v2.0/networks/${mine.id}`);
    expect(seen.body.network['provider:network_type']).toBe('vxlan');
    expect(seen.body.network['provider:segmentation_id']).toBeGreaterThan(0);
  });

  it('filters, sorts, pages and selects fields, and pages through openstacksdk', async () => {
    const names = ['kilo', 'alpha', 'echo', 'golf', 'bravo'];
    for (const [i, name] of names.entries()) {
      await created(member, 'networks', 'network', {
        name: `list-${name}`,
        tags: i % 2 ? ['odd', 'any'] : ['even', 'any'],
      });
    }
    const page1 = await call(member, 'GET', '/v2.0/networks?tags=any&sort_key=name&sort_dir=desc&limit=2');
    expect(page1.body.networks.map((n: Json) => n.name)).toEqual(['list-kilo', 'list-golf']);
    const next = page1.body.networks_links.find((l: Json) => l.rel === 'next');
    expect(next.href).toContain('marker=');
    const page2 = await call(member, 'GET', new URL(next.href).pathname + new URL(next.href).search);
    expect(page2.body.networks.map((n: Json) => n.name)).toEqual(['list-echo', 'list-bravo']);
    const previous = page2.body.networks_links.find((l: Json) => l.rel === 'previous');
    const back = await call(member, 'GET', new URL(previous.href).pathname + new URL(previous.href).search);
    expect(back.body.networks.map((n: Json) => n.name)).toEqual(['list-kilo', 'list-golf']);
    const page3 = await call(
      member,
      'GET',
      new URL(page2.body.networks_links.find((l: Json) => l.rel === 'next').href).pathname +
        '?' +
        new URL(page2.body.networks_links.find((l: Json) => l.rel === 'next').href).searchParams.toString(),
    );
    expect(page3.body.networks.map((n: Json) => n.name)).toEqual(['list-alpha']);
    expect(page3.body.networks_links.map((l: Json) => l.rel)).toEqual(['previous']);

    const fields = await call(
      member,
      'GET',
      '/v2.0/networks?name=list-alpha&name=list-echo&fields=name&fields=id&sort_key=name',
    );
    expect(fields.body.networks.map((n: Json) => Object.keys(n).sort())).toEqual([
      ['id', 'name'],
      ['id', 'name'],
    ]);
    expect(fields.body.networks.map((n: Json) => n.name)).toEqual(['list-alpha', 'list-echo']);
    const tagged = await call(member, 'GET', '/v2.0/networks?tags=any,odd&not-tags-any=even&sort_key=name');
    expect(tagged.body.networks.map((n: Json) => n.name)).toEqual(['list-alpha', 'list-golf']);
    const anyTag = await call(
      member,
      'GET',
      '/v2.0/networks?tags-any=odd,even&not-tags=any,odd&fields=name&sort_key=name',
    );
    expect(anyTag.body.networks.map((n: Json) => n.name)).toEqual(['list-bravo', 'list-echo', 'list-kilo']);
    const typed = await call(
      member,
      'GET',
      '/v2.0/networks?shared=False&mtu=1450&router:external=false&name=list-kilo',
    );
    expect(typed.body.networks).toHaveLength(1);
    const single = await call(member, 'GET', `/v2.0/networks/${typed.body.networks[0].id}?fields=status`);
    expect(single.body.network).toEqual({ status: 'ACTIVE' });

    const sdkUser = await cloud.createProjectUser('sdk', 'member');
    const sdkToken = await cloud.token(sdkUser);
    for (const name of names) await created(sdkToken, 'networks', 'network', { name: `list-${name}` });
    // The SDK follows networks_links from page to page until the last one.
    const sdk = await openstackSdk(
      sdkUser,
      [
        'import openstack',
        'conn = openstack.connect()',
        'names = sorted(n.name for n in conn.network.networks(limit=2))',
        'print(",".join(names))',
      ].join('\n'),
    );
    expect(sdk.trim()).toBe('list-alpha,list-bravo,list-echo,list-golf,list-kilo');
  });

  it('manages tags and honours If-Match revision constraints', async () => {
    const network = await created(member, 'networks', 'network', { name: 'tagged' });
    const base = `/v2.0/networks/${network.id}`;
    expect((await call(member, 'PUT', `${base}/tags`, { tags: ['b', 'a', 'a'] })).body).toEqual({
      tags: ['a', 'b'],
    });
    expect((await call(member, 'PUT', `${base}/tags/c`)).status).toBe(201);
    expect((await call(member, 'GET', `${base}/tags/c`)).status).toBe(204);
    expect((await call(member, 'DELETE', `${base}/tags/c`)).status).toBe(204);
    expectError(await call(member, 'DELETE', `${base}/tags/c`), 404, 'TagNotFound');
    expectError(await call(member, 'GET', `${base}/tags/c`), 404, 'TagNotFound');
    expectError(await call(member, 'PUT', `${base}/tags`, { tags: ['with,comma'] }), 400, 'HTTPBadRequest');
    expectError(await call(other, 'PUT', `${base}/tags/mine`), 404, 'NetworkNotFound');
    expect((await call(member, 'GET', `${base}/tags`)).body).toEqual({ tags: ['a', 'b'] });
    expect((await call(member, 'GET', base)).body.network.tags).toEqual(['a', 'b']);
    expect((await call(member, 'DELETE', `${base}/tags`)).status).toBe(204);
    expect((await call(member, 'GET', `${base}/tags`)).body).toEqual({ tags: [] });

    const revision = (await call(member, 'GET', base)).body.network.revision_number;
    const updated = await call(
      member,
      'PUT',
      base,
      { network: { description: 'v2' } },
      { 'If-Match': `revision_number=${revision}` },
    );
    expect(updated.body.network.revision_number).toBe(revision + 1);
    expectError(
      await call(
        member,
        'PUT',
        base,
        { network: { description: 'v3' } },
        { 'If-Match': `revision_number=${revision}` },
      ),
      412,
      'RevisionNumberConstraintFailed',
    );
  });

  it('reports and enforces quotas per project, changed only by admins', async () => {
    const own = await call(member, 'GET', `/v2.0/quotas/${memberProject}`);
    expect(own.body.quota).toMatchObject({
      network: 100,
      subnet: 100,
      port: 500,
      router: 10,
      floatingip: 50,
      security_group: 10,
      security_group_rule: 100,
    });
    expect((await call(member, 'GET', `/v2.0/quotas/${otherProject}`)).status).toBe(403);
    expect(
      (await call(member, 'PUT', `/v2.0/quotas/${memberProject}`, { quota: { network: 1 } })).status,
    ).toBe(403);
    expectError(
      await call(admin, 'PUT', `/v2.0/quotas/${otherProject}`, { quota: { network: -2 } }),
      400,
      'HTTPBadRequest',
    );
    expectError(
      await call(admin, 'PUT', `/v2.0/quotas/${otherProject}`, { quota: { volumes: 2 } }),
      400,
      'HTTPBadRequest',
    );
    const set = await call(admin, 'PUT', `/v2.0/quotas/${otherProject}`, {
      quota: { network: 1, security_group: 2 },
    });
    expect(set.body.quota).toMatchObject({ network: 1, security_group: 2 });
    await created(other, 'networks', 'network', { name: 'only-one' });
    expectError(
      await call(other, 'POST', '/v2.0/networks', { network: { name: 'two' } }),
      409,
      'OverQuota',
      /\['network'\]/,
    );
    // The project's default group counts, as in Neutron: one more fits in a quota of two.
    await created(other, 'security-groups', 'security_group', { name: 'one' });
    expectError(
      await call(other, 'POST', '/v2.0/security-groups', { security_group: { name: 'two' } }),
      409,
      'OverQuota',
    );
    const details = await call(other, 'GET', `/v2.0/quotas/${otherProject}/details`);
    expect(details.body.quota.network).toEqual({ used: 1, limit: 1, reserved: 0 });
    expectError(
      await call(admin, 'PUT', `/v2.0/quotas/${otherProject}`, { quota: { network: 0, check_limit: true } }),
      400,
      'InvalidQuotaValue',
    );
    expect((await call(admin, 'GET', '/v2.0/quotas')).body.quotas.map((q: Json) => q.project_id)).toContain(
      otherProject,
    );
    expect((await call(admin, 'DELETE', `/v2.0/quotas/${otherProject}`)).status).toBe(204);
    expect((await call(other, 'GET', `/v2.0/quotas/${otherProject}`)).body.quota.network).toBe(100);
  });
});
