import { InstanceSpec, NicSpec, VolumeSpec } from '../driver/hypervisor-driver';
import { virtioDiskName } from './domain-xml.parser';

/** Host-level choices the domain XML needs that are not part of an instance's spec. */
export interface DomainXmlOptions {
  /**
   * libvirt domain type: 'kvm' on hosts with hardware virtualisation, 'qemu' (TCG emulation)
   * elsewhere. Taken from configuration, never detected: libvirt advertises kvm wherever
   * /dev/kvm exists, even where KVM cannot boot a normal guest.
   */
  virtType: 'kvm' | 'qemu';
  arch: string;
  /** QEMU machine type; 'pc' (i440fx) puts the config drive on IDE, 'q35' on SATA. */
  machineType: string;
  /** 'host-passthrough' or 'host-model' for KVM; leave unset under TCG. */
  cpuMode?: 'host-passthrough' | 'host-model';
  /** QEMU disk cache mode for instance disks; QEMU's default when unset. */
  diskCache?: 'none' | 'writeback' | 'writethrough' | 'directsync' | 'unsafe';
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
};

export const escapeXml = (value: string | number): string =>
  String(value).replace(/[&<>'"]/g, (c) => ESCAPES[c]);

/** The alias a volume's disk gets: libvirt keeps user aliases ("ua-" prefix), so events can name it. */
export const volumeAlias = (serial: string): string => `ua-vol-${serial.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The alias a NIC gets, from its MAC (unique on a host's guests, unlike the port's bridge): set at
 * spawn and at hot-plug, so that detach can wait for the device-removed event of any NIC.
 */
export const interfaceAlias = (mac: string): string =>
  `ua-port-${mac.toLowerCase().replace(/[^0-9a-f]/g, '')}`;

/** The persistent definition of an instance. */
export function buildDomainXml(spec: InstanceSpec, options: DomainXmlOptions): string {
  const lines = [
    `<domain type='${escapeXml(options.virtType)}'>`,
    `  <name>${escapeXml(spec.name)}</name>`,
    `  <uuid>${escapeXml(spec.uuid)}</uuid>`,
    `  <memory unit='MiB'>${escapeXml(spec.memoryMb)}</memory>`,
    `  <vcpu>${escapeXml(spec.vcpus)}</vcpu>`,
    ...osXml(spec, options),
    '  <features><acpi/><apic/></features>',
    ...(options.cpuMode ? [`  <cpu mode='${escapeXml(options.cpuMode)}'/>`] : []),
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    ...rootDiskXml(spec, options),
    ...(spec.volumes ?? []).map((volume, i) =>
      indent(buildVolumeDiskXml(volume, virtioDiskName(i + 1), options)),
    ),
    ...configDriveXml(spec, options),
    ...spec.nics.map((nic) => indent(buildInterfaceXml(nic))),
    ...serialXml(spec),
    "    <memballoon model='virtio'/>",
    '  </devices>',
    '</domain>',
  ];
  return lines.join('\n') + '\n';
}

/** A volume's <disk>, hot-plugged and removed as a unit; its serial is how the guest tells volumes apart. */
export function buildVolumeDiskXml(volume: VolumeSpec, targetDev: string, options: DomainXmlOptions): string {
  const driver = [`name='qemu'`, `type='${escapeXml(volume.format ?? 'raw')}'`];
  if (options.diskCache) driver.push(`cache='${escapeXml(options.diskCache)}'`);
  return [
    `<disk type='${volume.path.startsWith('/dev/') ? 'block' : 'file'}' device='disk'>`,
    `  <driver ${driver.join(' ')}/>`,
    `  <source ${volume.path.startsWith('/dev/') ? 'dev' : 'file'}='${escapeXml(volume.path)}'/>`,
    `  <target dev='${escapeXml(targetDev)}' bus='virtio'/>`,
    ...(volume.readOnly ? ['  <readonly/>'] : []),
    `  <serial>${escapeXml(volume.serial)}</serial>`,
    `  <alias name='${escapeXml(volumeAlias(volume.serial))}'/>`,
    '</disk>',
  ].join('\n');
}

const indent = (xml: string): string =>
  xml
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

function osXml(spec: InstanceSpec, options: DomainXmlOptions): string[] {
  const boot = spec.kernelBoot;
  return [
    '  <os>',
    `    <type arch='${escapeXml(options.arch)}' machine='${escapeXml(options.machineType)}'>hvm</type>`,
    ...(boot
      ? [
          `    <kernel>${escapeXml(boot.kernelPath)}</kernel>`,
          ...(boot.initrdPath ? [`    <initrd>${escapeXml(boot.initrdPath)}</initrd>`] : []),
          ...(boot.cmdline ? [`    <cmdline>${escapeXml(boot.cmdline)}</cmdline>`] : []),
        ]
      : ["    <boot dev='hd'/>"]),
    '  </os>',
  ];
}

function rootDiskXml(spec: InstanceSpec, options: DomainXmlOptions): string[] {
  const driver = [`name='qemu'`, `type='${escapeXml(spec.rootDisk.format)}'`];
  if (options.diskCache) driver.push(`cache='${escapeXml(options.diskCache)}'`);
  return [
    "    <disk type='file' device='disk'>",
    `      <driver ${driver.join(' ')}/>`,
    `      <source file='${escapeXml(spec.rootDisk.path)}'/>`,
    "      <target dev='vda' bus='virtio'/>",
    ...(spec.rootDisk.serial ? [`      <serial>${escapeXml(spec.rootDisk.serial)}</serial>`] : []),
    '    </disk>',
  ];
}

function configDriveXml(spec: InstanceSpec, options: DomainXmlOptions): string[] {
  if (!spec.configDrivePath) return [];
  // i440fx has an IDE controller and no AHCI; q35 the reverse.
  const target = options.machineType.includes('q35') ? "dev='sda' bus='sata'" : "dev='hdd' bus='ide'";
  return [
    "    <disk type='file' device='cdrom'>",
    "      <driver name='qemu' type='raw'/>",
    `      <source file='${escapeXml(spec.configDrivePath)}'/>`,
    `      <target ${target}/>`,
    '      <readonly/>',
    '    </disk>',
  ];
}

/** A NIC's <interface>, at spawn and when hot-plugged; its alias lets device events name it. */
export function buildInterfaceXml(nic: NicSpec): string {
  return [
    "<interface type='bridge'>",
    `  <mac address='${escapeXml(nic.mac)}'/>`,
    `  <source bridge='${escapeXml(nic.bridge)}'/>`,
    ...(nic.ovsInterfaceId
      ? [
          "  <virtualport type='openvswitch'>",
          `    <parameters interfaceid='${escapeXml(nic.ovsInterfaceId)}'/>`,
          '  </virtualport>',
        ]
      : []),
    `  <target dev='${escapeXml(nic.tapName)}'/>`,
    "  <model type='virtio'/>",
    ...(nic.mtu ? [`  <mtu size='${escapeXml(nic.mtu)}'/>`] : []),
    `  <alias name='${escapeXml(interfaceAlias(nic.mac))}'/>`,
    '</interface>',
  ].join('\n');
}

function serialXml(spec: InstanceSpec): string[] {
  // A pty keeps an interactive console available; the log file behind it is what
  // getConsoleOutput reads, written by virtlogd so it survives libvirtd restarts.
  const log = spec.serialLogPath ? [`      <log file='${escapeXml(spec.serialLogPath)}' append='on'/>`] : [];
  return [
    "    <serial type='pty'>",
    ...log,
    "      <target port='0'/>",
    '    </serial>',
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    '    </console>',
  ];
}

/** Just enough of a <disk> for libvirt to find it in a definition: it matches disks by target. */
export function buildDiskReferenceXml(targetDev: string, source?: string): string {
  const isBlock = source?.startsWith('/dev/') ?? false;
  return [
    `<disk type='${isBlock ? 'block' : 'file'}' device='disk'>`,
    ...(source ? [`  <source ${isBlock ? 'dev' : 'file'}='${escapeXml(source)}'/>`] : []),
    `  <target dev='${escapeXml(targetDev)}' bus='virtio'/>`,
    '</disk>',
  ].join('\n');
}

/** Just enough of an <interface> for libvirt to find it in a definition: it matches NICs by MAC. */
export function buildInterfaceReferenceXml(mac: string, bridge?: string): string {
  return [
    "<interface type='bridge'>",
    `  <mac address='${escapeXml(mac)}'/>`,
    ...(bridge ? [`  <source bridge='${escapeXml(bridge)}'/>`] : []),
    '</interface>',
  ].join('\n');
}
