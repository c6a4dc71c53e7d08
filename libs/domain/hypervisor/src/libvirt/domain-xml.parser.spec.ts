import { InstanceSpec } from '../driver/hypervisor-driver';
import { buildDomainXml, DomainXmlOptions } from './domain-xml.builder';
import { nextFreeVirtioDisk, parseDisks, parseSerialLogPath, unescapeXml } from './domain-xml.parser';

const OPTIONS: DomainXmlOptions = { virtType: 'qemu', arch: 'x86_64', machineType: 'pc' };

const SPEC: InstanceSpec = {
  uuid: '0b9c2d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'instance-0000002a',
  vcpus: 1,
  memoryMb: 256,
  rootDisk: { path: '/var/lib/stratus/instances/0b9c/disk', format: 'qcow2' },
  nics: [],
  configDrivePath: '/var/lib/stratus/instances/0b9c/disk.config',
  serialLogPath: '/var/log/stratus/instances/0b9c/console.log',
};

describe('domain XML parser', () => {
  const LIVE = `<domain type='qemu' id='3'>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/stratus/instances/x/disk' index='2'/>
      <backingStore type='file' index='3'>
        <format type='qcow2'/>
        <source file='/var/lib/stratus/_base/abc'/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
      <alias name='virtio-disk0'/>
    </disk>
    <disk type='block' device='disk'>
      <source dev='/dev/mapper/vol&amp;1'/>
      <target dev='vdc' bus='virtio'/>
      <serial>vol-1</serial>
      <alias name='ua-vol-vol-1'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='hdd' bus='ide'/>
      <readonly/>
    </disk>
    <serial type='pty'>
      <source path='/dev/pts/3'/>
      <log file='/var/log/x/console.log' append='on'/>
      <target type='isa-serial' port='0'/>
    </serial>
  </devices>
</domain>`;

  it('lists disks with their target, source, serial and alias', () => {
    expect(parseDisks(LIVE)).toEqual([
      {
        device: 'disk',
        targetDev: 'vda',
        source: '/var/lib/stratus/instances/x/disk',
        serial: undefined,
        alias: 'virtio-disk0',
      },
      {
        device: 'disk',
        targetDev: 'vdc',
        source: '/dev/mapper/vol&1',
        serial: 'vol-1',
        alias: 'ua-vol-vol-1',
      },
      { device: 'cdrom', targetDev: 'hdd', source: undefined, serial: undefined, alias: undefined },
    ]);
  });

  it('finds the serial console log file', () => {
    expect(parseSerialLogPath(LIVE)).toBe('/var/log/x/console.log');
    expect(parseSerialLogPath("<domain><devices><serial type='pty'/></devices></domain>")).toBeUndefined();
    // A disk's <serial> is a serial number, not a port, even when it comes first.
    const diskFirst = `<disk type='file' device='disk'><target dev='vdb'/><serial>vol-1</serial></disk>
      <serial type='pty'/><serial type='file'><log file='/var/log/y.log'/></serial>`;
    expect(parseSerialLogPath(diskFirst)).toBe('/var/log/y.log');
  });

  it('decodes entities, numeric ones included', () => {
    expect(unescapeXml('a&amp;b&lt;&gt;&apos;&quot;&#65;&#x42;')).toBe(`a&b<>'"AB`);
  });

  it('picks the first free virtio disk name', () => {
    expect(nextFreeVirtioDisk(parseDisks(LIVE))).toBe('vdb');
    const many = Array.from({ length: 26 }, (_, i) => ({
      device: 'disk',
      targetDev: `vd${String.fromCharCode(97 + i)}`,
    }));
    expect(nextFreeVirtioDisk(many)).toBe('vdaa');
  });

  it('round-trips the builder output', () => {
    const disks = parseDisks(buildDomainXml(SPEC, OPTIONS));
    expect(disks.map((d) => [d.device, d.targetDev, d.source])).toEqual([
      ['disk', 'vda', SPEC.rootDisk.path],
      ['cdrom', 'hdd', SPEC.configDrivePath],
    ]);
    expect(parseSerialLogPath(buildDomainXml(SPEC, OPTIONS))).toBe(SPEC.serialLogPath);
  });
});
