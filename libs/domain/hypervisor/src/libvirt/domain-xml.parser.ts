/**
 * Reads the few facts the driver needs back from a domain's XML as libvirt formats it. libvirt
 * writes its own XML in one regular shape (attributes in single quotes, one element per line),
 * which pattern matching handles without pulling in an XML library.
 */

export interface DomainDisk {
  /** 'disk', 'cdrom', ... */
  device: string;
  targetDev: string;
  /** The backing file or block device; absent for an empty CD-ROM. */
  source?: string;
  serial?: string;
  alias?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', apos: "'", quot: '"' };

export const unescapeXml = (value: string): string =>
  value.replace(/&(amp|lt|gt|apos|quot|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()];
  });

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}=(['"])(.*?)\\1`).exec(tag);
  return match ? unescapeXml(match[2]) : undefined;
}

/** The first element named `name` inside `xml`: its opening tag and its text content. */
function element(xml: string, name: string): { tag: string; text: string } | undefined {
  const match = new RegExp(`<${name}(\\s[^>]*?)?(/>|>([\\s\\S]*?)</${name}>)`).exec(xml);
  return match ? { tag: `<${name}${match[1] ?? ''}>`, text: unescapeXml(match[3] ?? '') } : undefined;
}

export function parseDisks(xml: string): DomainDisk[] {
  const disks: DomainDisk[] = [];
  for (const match of xml.matchAll(/<disk(\s[^>]*)>([\s\S]*?)<\/disk>/g)) {
    const [, attributes, body] = match;
    const target = element(body, 'target');
    const source = element(body, 'source');
    const alias = element(body, 'alias');
    const targetDev = target && attribute(target.tag, 'dev');
    if (!targetDev) continue;
    disks.push({
      device: attribute(attributes, 'device') ?? 'disk',
      targetDev,
      source: source && (attribute(source.tag, 'file') ?? attribute(source.tag, 'dev')),
      serial: element(body, 'serial')?.text,
      alias: alias && attribute(alias.tag, 'name'),
    });
  }
  return disks;
}

export interface DomainInterface {
  /** Lower case, as libvirt formats it. */
  mac: string;
  bridge?: string;
  alias?: string;
}

export function parseInterfaces(xml: string): DomainInterface[] {
  const nics: DomainInterface[] = [];
  for (const match of xml.matchAll(/<interface(\s[^>]*)?>([\s\S]*?)<\/interface>/g)) {
    const body = match[2];
    const mac = element(body, 'mac');
    const address = mac && attribute(mac.tag, 'address');
    if (!address) continue;
    const source = element(body, 'source');
    const alias = element(body, 'alias');
    nics.push({
      mac: address.toLowerCase(),
      bridge: source && attribute(source.tag, 'bridge'),
      alias: alias && attribute(alias.tag, 'name'),
    });
  }
  return nics;
}

/** The file the first serial port is logged to, if the domain logs it. */
export function parseSerialLogPath(xml: string): string | undefined {
  // The port element always has a type attribute; a disk's <serial> (its serial number) never has one.
  const serial = /<serial(\s[^>]*?)(?<!\/)>([\s\S]*?)<\/serial>/.exec(xml);
  const log = serial ? element(serial[2], 'log') : undefined;
  return log && attribute(log.tag, 'file');
}

/** The first virtio disk name ("vdb", "vdc", ...) no disk uses yet. */
export function nextFreeVirtioDisk(disks: DomainDisk[]): string {
  const used = new Set(disks.map((d) => d.targetDev));
  for (let i = 1; i < 26 * 27; i++) {
    const name = virtioDiskName(i);
    if (!used.has(name)) return name;
  }
  throw new Error('no free virtio disk name left');
}

/** The index-th virtio disk: 0 -> vda, 1 -> vdb, 26 -> vdaa, as Linux names disks. */
export function virtioDiskName(index: number): string {
  return `vd${diskSuffix(index)}`;
}

/** 0 -> "a", 25 -> "z", 26 -> "aa", as Linux names disks. */
function diskSuffix(index: number): string {
  let suffix = '';
  let n = index;
  do {
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return suffix;
}
