import { InstanceSpec } from '../driver/hypervisor-driver';
import {
  buildDiskReferenceXml,
  buildDomainXml,
  buildInterfaceReferenceXml,
  buildInterfaceXml,
  buildVolumeDiskXml,
  DomainXmlOptions,
  escapeXml,
  interfaceAlias,
  volumeAlias,
} from './domain-xml.builder';
import { parseDisks, parseInterfaces, unescapeXml } from './domain-xml.parser';

const OPTIONS: DomainXmlOptions = { virtType: 'qemu', arch: 'x86_64', machineType: 'pc' };

const SPEC: InstanceSpec = {
  uuid: '0b9c2d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'instance-0000002a',
  vcpus: 2,
  memoryMb: 512,
  rootDisk: { path: '/var/lib/stratus/instances/0b9c/disk', format: 'qcow2' },
  nics: [{ mac: 'fa:16:3e:aa:bb:cc', bridge: 'brq-net1', tapName: 'tap0b9c2d4e-5f', mtu: 1450 }],
  configDrivePath: '/var/lib/stratus/instances/0b9c/disk.config',
  serialLogPath: '/var/log/stratus/instances/0b9c/console.log',
};

describe('domain XML builder', () => {
  it('describes the instance: type, identity, size, virtio disk, bridged NIC, logged serial', () => {
    const xml = buildDomainXml(SPEC, OPTIONS);
    expect(xml).toContain("<domain type='qemu'>");
    expect(xml).toContain('<name>instance-0000002a</name>');
    expect(xml).toContain(`<uuid>${SPEC.uuid}</uuid>`);
    expect(xml).toContain("<memory unit='MiB'>512</memory>");
    expect(xml).toContain('<vcpu>2</vcpu>');
    expect(xml).toContain("<type arch='x86_64' machine='pc'>hvm</type>");
    expect(xml).toContain("<boot dev='hd'/>");
    expect(xml).toMatch(
      /<disk type='file' device='disk'>\s*<driver name='qemu' type='qcow2'\/>\s*<source file='\/var\/lib\/stratus\/instances\/0b9c\/disk'\/>\s*<target dev='vda' bus='virtio'\/>/,
    );
    expect(xml).toMatch(
      /<interface type='bridge'>\s*<mac address='fa:16:3e:aa:bb:cc'\/>\s*<source bridge='brq-net1'\/>/,
    );
    expect(xml).toContain("<target dev='tap0b9c2d4e-5f'/>");
    expect(xml).toContain("<mtu size='1450'/>");
    expect(xml).not.toContain('virtualport');
    expect(xml).toMatch(
      /<serial type='pty'>\s*<log file='\/var\/log\/stratus\/instances\/0b9c\/console.log' append='on'\/>/,
    );
    expect(xml).not.toContain('<cpu');
  });

  it('gives every NIC a user alias from its MAC, at spawn and when hot-plugged', () => {
    expect(interfaceAlias('FA:16:3E:AA:BB:CC')).toBe('ua-port-fa163eaabbcc');
    expect(buildDomainXml(SPEC, OPTIONS)).toMatch(
      /<interface type='bridge'>[\s\S]*<alias name='ua-port-fa163eaabbcc'\/>\s*<\/interface>/,
    );
    const nic = { mac: 'fa:16:3e:00:00:01', bridge: 'brq-net2', tapName: 'tap1234', mtu: 1500 };
    const xml = buildInterfaceXml(nic);
    expect(xml.startsWith("<interface type='bridge'>")).toBe(true);
    expect(xml).toContain("<target dev='tap1234'/>");
    expect(parseInterfaces(xml)).toEqual([
      { mac: 'fa:16:3e:00:00:01', bridge: 'brq-net2', alias: 'ua-port-fa163e000001' },
    ]);
    expect(parseInterfaces(buildInterfaceReferenceXml('fa:16:3e:00:00:01', 'brq-net2'))).toEqual([
      { mac: 'fa:16:3e:00:00:01', bridge: 'brq-net2', alias: undefined },
    ]);
  });

  it('puts the config drive on IDE for i440fx and on SATA for q35', () => {
    expect(buildDomainXml(SPEC, OPTIONS)).toMatch(
      /device='cdrom'>[\s\S]*<target dev='hdd' bus='ide'\/>\s*<readonly\/>/,
    );
    expect(buildDomainXml(SPEC, { ...OPTIONS, machineType: 'q35' })).toContain(
      "<target dev='sda' bus='sata'/>",
    );
    expect(buildDomainXml({ ...SPEC, configDrivePath: undefined }, OPTIONS)).not.toContain('cdrom');
  });

  it('boots a kernel directly when asked, instead of the disk', () => {
    const xml = buildDomainXml(
      {
        ...SPEC,
        kernelBoot: { kernelPath: '/boot/vmlinuz', initrdPath: '/boot/initrd', cmdline: 'console=ttyS0' },
      },
      { ...OPTIONS, virtType: 'kvm', cpuMode: 'host-passthrough', diskCache: 'none' },
    );
    expect(xml).toContain("<domain type='kvm'>");
    expect(xml).toContain('<kernel>/boot/vmlinuz</kernel>');
    expect(xml).toContain('<initrd>/boot/initrd</initrd>');
    expect(xml).toContain('<cmdline>console=ttyS0</cmdline>');
    expect(xml).not.toContain('<boot ');
    expect(xml).toContain("<cpu mode='host-passthrough'/>");
    expect(xml).toContain("<driver name='qemu' type='qcow2' cache='none'/>");
  });

  it('plugs an Open vSwitch port with its interface id', () => {
    const xml = buildDomainXml(
      { ...SPEC, nics: [{ ...SPEC.nics[0], bridge: 'br-int', ovsInterfaceId: '3f1c-port' }] },
      OPTIONS,
    );
    expect(xml).toMatch(/<virtualport type='openvswitch'>\s*<parameters interfaceid='3f1c-port'\/>/);
  });

  it('escapes every value it interpolates', () => {
    const xml = buildDomainXml(
      { ...SPEC, name: `a<b>&'"c`, kernelBoot: { kernelPath: "/k'", cmdline: 'x=<y>' } },
      OPTIONS,
    );
    expect(xml).toContain('<name>a&lt;b&gt;&amp;&apos;&quot;c</name>');
    expect(xml).toContain('<cmdline>x=&lt;y&gt;</cmdline>');
    expect(xml).toContain('<kernel>/k&apos;</kernel>');
    expect(unescapeXml(escapeXml(`a<b>&'"c`))).toBe(`a<b>&'"c`);
  });

  it('builds a volume disk carrying its serial and a user alias', () => {
    const xml = buildVolumeDiskXml({ path: '/dev/mapper/vol-1', serial: 'c0ffee00-1234' }, 'vdb', OPTIONS);
    expect(xml).toContain("<disk type='block' device='disk'>");
    expect(xml).toContain("<source dev='/dev/mapper/vol-1'/>");
    expect(xml).toContain("<target dev='vdb' bus='virtio'/>");
    expect(xml).toContain('<serial>c0ffee00-1234</serial>');
    expect(xml).toContain("<alias name='ua-vol-c0ffee00-1234'/>");
    const file = buildVolumeDiskXml(
      { path: '/srv/vol.img', serial: 's', readOnly: true, format: 'qcow2' },
      'vdc',
      OPTIONS,
    );
    expect(file).toContain("<source file='/srv/vol.img'/>");
    expect(file).toContain("type='qcow2'");
    expect(file).toContain('<readonly/>');
    expect(volumeAlias('a b/c')).toBe('ua-vol-a_b_c');
    expect(buildDiskReferenceXml('vdb', '/srv/vol.img')).toContain("<target dev='vdb' bus='virtio'/>");
  });

  it('boots from a volume: the root disk carries the volume id, and volumes plugged at boot follow it', () => {
    const xml = buildDomainXml(
      {
        ...SPEC,
        rootDisk: { path: '/srv/volumes/volume-r', format: 'raw', serial: 'root-vol' },
        volumes: [{ path: '/srv/volumes/volume-d', serial: 'data-vol', format: 'raw' }],
      },
      OPTIONS,
    );
    const disks = parseDisks(xml).filter((d) => d.device === 'disk');
    expect(disks.map((d) => [d.targetDev, d.source, d.serial])).toEqual([
      ['vda', '/srv/volumes/volume-r', 'root-vol'],
      ['vdb', '/srv/volumes/volume-d', 'data-vol'],
    ]);
    expect(xml).toContain("<alias name='ua-vol-data-vol'/>");
  });
});
