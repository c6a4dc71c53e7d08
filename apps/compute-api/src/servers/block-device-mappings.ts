import { badRequest } from '@stratus/platform';
import type { BlockDevice } from './instance.entity';
import { BlockDeviceMapping, bdmEntry } from './server-schemas';

/** How a server boots: from an image on a local disk, or from a volume; and the volumes it gets at boot. */
export interface BootPlan {
  /** The image behind the root disk (a local overlay), or behind a root volume made from an image. */
  imageId: string | null;
  /** Volumes to create or attach while building, the root volume first. */
  volumes: BlockDevice[];
}

const invalid = (reason: string) => badRequest(`Block Device Mapping is Invalid: ${reason}`);

const invalidBootSequence = () =>
  invalid('Boot sequence for the instance and image/block device mapping combination is not valid.');

function refId(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

/** Nova's default: images and blanks land on the host's disk, volumes and snapshots stay volumes. */
function destinationOf(mapping: BlockDeviceMapping): 'local' | 'volume' {
  return (
    mapping.destination_type ??
    (mapping.source_type === 'image' || mapping.source_type === 'blank' ? 'local' : 'volume')
  );
}

/** Nova treats a missing or negative boot_index as "not bootable". */
function bootIndexOf(mapping: BlockDeviceMapping): number | null {
  const index = mapping.boot_index;
  return index === undefined || index === null || index < 0 ? null : index;
}

/** Virtio disks in the order the host plugs them: the root is vda, volumes at boot follow. */
function deviceName(index: number): string {
  return `/dev/vd${String.fromCharCode(97 + index)}`;
}

function volumeOf(mapping: BlockDeviceMapping, bootIndex: number | null): BlockDevice {
  const source = mapping.source_type;
  if (source !== 'blank' && !mapping.uuid) throw invalid('Missing device UUID.');
  const size = mapping.volume_size ?? null;
  if ((source === 'image' || source === 'blank') && !size) {
    throw invalid(
      source === 'image'
        ? "Images with destination_type 'volume' need to have a non-zero size specified"
        : "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size",
    );
  }
  return {
    sourceType: source,
    sourceId: source === 'blank' ? null : mapping.uuid!,
    bootIndex,
    volumeSize: size,
    volumeType: mapping.volume_type ?? null,
    deleteOnTermination: mapping.delete_on_termination ?? false,
    deviceName: null,
    tag: mapping.tag ?? null,
    volumeId: source === 'volume' ? mapping.uuid! : null,
    attachmentId: null,
    connection: null,
  };
}

/**
 * Reads imageRef and block_device_mapping_v2 as Nova does: one boot device at most (boot_index 0),
 * either the image on a local disk or a volume (an existing one, or one made from an image, a
 * snapshot); further mappings with destination volume are volumes the server gets at boot.
 * Local disks other than the image (ephemeral, swap) are not offered.
 */
export function bootPlanOf(imageRef: string | undefined, mappings: BlockDeviceMapping[] = []): BootPlan {
  const used = mappings.filter((m) => !m.no_device);
  const boot = used.filter((m) => bootIndexOf(m) === 0);
  if (boot.length > 1) throw invalidBootSequence();
  const root = boot[0];
  const image = imageRef ? refId(imageRef) : null;
  const volumes: BlockDevice[] = [];
  let imageId = image;

  for (const mapping of used) {
    const bootIndex = bootIndexOf(mapping);
    if (destinationOf(mapping) === 'local') {
      if (mapping.source_type !== 'image' || bootIndex !== 0 || !mapping.uuid) {
        throw invalid('only the image can be a local disk; ephemeral and swap disks are not offered.');
      }
      if (image && image !== mapping.uuid) throw invalid('the image of the mapping differs from imageRef.');
      imageId = mapping.uuid;
      continue;
    }
    if (bootIndex === 0 && mapping.source_type === 'blank') throw invalidBootSequence();
    volumes.push(volumeOf(mapping, bootIndex === 0 ? 0 : null));
  }

  const rootVolume =
    root && destinationOf(root) === 'volume' ? volumes.find((v) => v.bootIndex === 0) : undefined;
  if (rootVolume) {
    if (image && !(rootVolume.sourceType === 'image' && rootVolume.sourceId === image)) {
      throw invalidBootSequence();
    }
    imageId = rootVolume.sourceType === 'image' ? rootVolume.sourceId : null;
  } else if (!imageId) {
    throw mappings.length > 0 ? invalidBootSequence() : badRequest('Missing imageRef attribute');
  }
  const ordered = [...volumes.filter((v) => v.bootIndex === 0), ...volumes.filter((v) => v.bootIndex !== 0)];
  return {
    imageId,
    volumes: ordered.map((volume, i) => ({ ...volume, deviceName: deviceName(rootVolume ? i : i + 1) })),
  };
}

/** Nova's image properties that carry a volume-backed server's mappings. */
export const IMAGE_MAPPING_PROPERTIES = ['block_device_mapping', 'bdm_v2', 'root_device_name'];

/**
 * The mappings an image of a volume-backed server carries (Nova's `block_device_mapping` property
 * with `bdm_v2`): booting that image makes volumes of its snapshots. Empty for other images.
 */
export function mappingsOfImage(properties: Record<string, string>): BlockDeviceMapping[] {
  if (!properties.block_device_mapping || !/^(true|1|yes)$/i.test(properties.bdm_v2 ?? '')) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(properties.block_device_mapping);
  } catch {
    entries = undefined;
  }
  if (!Array.isArray(entries)) throw invalid("the image's block_device_mapping is not a list.");
  return entries.map((entry: Record<string, unknown>) => {
    const parsed = bdmEntry.safeParse({
      source_type: entry.source_type,
      destination_type: entry.destination_type ?? undefined,
      boot_index: entry.boot_index ?? undefined,
      uuid: entry.snapshot_id ?? entry.volume_id ?? entry.image_id ?? undefined,
      volume_size: entry.volume_size ?? undefined,
      delete_on_termination: entry.delete_on_termination ?? undefined,
    });
    if (!parsed.success) throw invalid("the image's block_device_mapping has an entry compute cannot read.");
    return parsed.data;
  });
}

/** Plans the boot of an image that carries mappings, with the request's own non-root volumes after its. */
export function bootPlanOfImage(
  imageId: string,
  imageMappings: BlockDeviceMapping[],
  requested: BlockDeviceMapping[] = [],
): BootPlan {
  const plan = bootPlanOf('', [...imageMappings, ...requested.filter((m) => bootIndexOf(m) !== 0)]);
  return { ...plan, imageId };
}
