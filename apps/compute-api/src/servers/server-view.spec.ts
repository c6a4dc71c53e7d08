import { Microversion } from '../common/microversion';
import { LinkBuilder } from '../common/nova-request';
import type { InstanceEntity } from './instance.entity';
import { serverDetail, ServerViewContext } from './server-view';

const instance = {
  id: 42,
  uuid: '11111111-2222-4333-8444-555555555555',
  displayName: 'web',
  description: 'front end',
  projectId: 'p1',
  userId: 'u1',
  imageRef: 'img',
  flavor: {
    id: '1',
    name: 'small',
    vcpus: 1,
    memoryMb: 512,
    rootGb: 1,
    ephemeralGb: 0,
    swap: 0,
    extraSpecs: { a: 'b' },
  },
  metadata: { role: 'web' },
  tags: ['blue'],
  securityGroups: ['default'],
  vifs: [
    {
      portId: 'port',
      networkId: 'net',
      networkName: 'private',
      macAddress: 'fa:16:3e:00:00:01',
      mtu: 1500,
      createdByCompute: true,
      tag: null,
      bridge: 'brq',
      fixedIps: [
        {
          subnetId: 's',
          address: '10.0.0.5',
          version: 4,
          cidr: '10.0.0.0/24',
          gatewayIp: null,
          dnsNameservers: [],
        },
      ],
    },
  ],
  vmState: 'error',
  taskState: null,
  powerState: 0,
  host: 'cmp-1',
  node: 'cmp-1',
  availabilityZone: 'nova',
  launchedAt: null,
  terminatedAt: null,
  createdAt: new Date('2024-01-01T00:00:00.123Z'),
  updatedAt: new Date('2024-01-01T00:01:00Z'),
  deleted: false,
  locked: true,
  hostname: 'web',
  reservationId: 'r-1',
  launchIndex: 0,
  configDrive: '',
  accessIpV4: null,
  accessIpV6: null,
  diskConfig: 'AUTO',
  keyName: null,
  userData: null,
  fault: {
    code: 500,
    message: 'No valid host was found.',
    details: 'trace',
    created: '2024-01-01T00:01:00Z',
  },
} as unknown as InstanceEntity;

function context(version: string, isAdmin: boolean): ServerViewContext {
  return {
    version: Microversion.parse(version)!,
    isAdmin,
    links: new LinkBuilder('http://api'),
    hostStatus: () => 'UP',
  };
}

describe('server view', () => {
  it('shows the 2.1 shape to a member: flavor by reference, no host details', () => {
    const view = serverDetail(instance, context('2.1', false));
    expect(view).toMatchObject({
      id: instance.uuid,
      status: 'ERROR',
      flavor: { id: '1', links: [{ rel: 'bookmark', href: 'http://api/flavors/1' }] },
      addresses: {
        private: [{ version: 4, addr: '10.0.0.5', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' }],
      },
      created: '2024-01-01T00:00:00Z',
      fault: { code: 500, message: 'No valid host was found.' },
    });
    expect(view.fault).not.toHaveProperty('details');
    for (const key of ['OS-EXT-SRV-ATTR:host', 'locked', 'description', 'tags', 'host_status']) {
      expect(view).not.toHaveProperty(key);
    }
    expect(view.hostId).toMatch(/^[0-9a-f]{56}$/);
  });

  it('adds what each microversion up to 2.53 adds, and the admin attributes', () => {
    const view = serverDetail(instance, context('2.53', true));
    expect(view).toMatchObject({
      'OS-EXT-SRV-ATTR:host': 'cmp-1',
      'OS-EXT-SRV-ATTR:instance_name': 'instance-0000002a',
      'OS-EXT-SRV-ATTR:reservation_id': 'r-1',
      'OS-EXT-SRV-ATTR:hostname': 'web',
      locked: true,
      host_status: 'UP',
      description: 'front end',
      tags: ['blue'],
      flavor: {
        vcpus: 1,
        ram: 512,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        original_name: 'small',
        extra_specs: { a: 'b' },
      },
      fault: { details: 'trace' },
    });
  });

  it('keeps the 2.3 attributes from 2.1 admins', () => {
    const view = serverDetail(instance, context('2.1', true));
    expect(view).toHaveProperty('OS-EXT-SRV-ATTR:host');
    expect(view).not.toHaveProperty('OS-EXT-SRV-ATTR:hostname');
  });
});
