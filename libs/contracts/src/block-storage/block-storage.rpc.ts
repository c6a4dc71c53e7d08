import { event, rpc } from '../common/rpc';

/**
 * The caller on whose behalf compute acts: the project and roles of the user's token. A volume is
 * found only when it belongs to that project (or the roles include admin), exactly as the Block
 * Storage API would answer that user, so project B can never reserve or attach project A's volume.
 */
export interface VolumeCallerContext {
  projectId: string | null;
  /** Role names, as in the token ("admin", "member", "reader", "service"). */
  roles: string[];
  userId?: string;
}

/** Where and how a host attaches a volume: Cinder's connector, camel-cased. */
export interface VolumeConnector {
  /** The compute host name (Nova's CONF.host). */
  host: string;
  ip?: string;
  initiator?: string;
  platform?: string;
  osType?: string;
  multipath?: boolean;
  /** The guest device the volume is meant for (/dev/vdb). */
  mountpoint?: string;
}

/**
 * What a host needs to plug a volume, Cinder's connection_info. The `file` driver keeps each volume
 * as one file under a folder every compute host mounts: `data.export` is that folder as the
 * block-storage service sees it and `data.name` the file inside it, so a host mounting the folder
 * elsewhere joins its own mount point and `name`; `data.path` is `export/name`.
 */
export interface VolumeConnectionInfo {
  driverVolumeType: 'file';
  data: {
    volumeId: string;
    export: string;
    name: string;
    path: string;
    /** The disk format libvirt must be told (driver type). */
    format: 'raw' | 'qcow2';
    accessMode: 'rw' | 'ro';
    /** The volume's id is the disk's serial, so the guest finds it under /dev/disk/by-id. */
    serial: string;
    discard: boolean;
    encrypted: false;
  };
}

export type AttachmentStatus = 'reserved' | 'attaching' | 'attached' | 'detached' | 'error_attaching';

export interface AttachmentRef {
  id: string;
  volumeId: string;
  instanceUuid: string | null;
  status: AttachmentStatus;
  attachMode: 'rw' | 'ro';
  connector: VolumeConnector | null;
  /** Present once a connector was given (attachment update or create with a connector). */
  connectionInfo: VolumeConnectionInfo | null;
  attachedAt: string | null;
  detachedAt: string | null;
}

export interface VolumeRef {
  id: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  /** GiB. */
  size: number;
  /** Cinder's statuses: creating, downloading, available, reserved, attaching, in-use, detaching, ... */
  status: string;
  attachStatus: string;
  availabilityZone: string;
  bootable: boolean;
  readonly: boolean;
  multiattach: boolean;
  volumeTypeId: string;
  volumeTypeName: string;
  /** The image the volume was made from, when it was. */
  imageId: string | null;
  /** volume_image_metadata: the source image's properties (hw_*, os_*, min_disk, ...). */
  imageMetadata: Record<string, string>;
  attachments: {
    attachmentId: string;
    instanceUuid: string | null;
    hostName: string | null;
    mountpoint: string | null;
    status: AttachmentStatus;
  }[];
  createdAt: string;
  updatedAt: string;
}

export interface CreateVolumeRequest {
  context: VolumeCallerContext;
  /** GiB; for an image, at least its min_disk and its size; a snapshot's or source volume's when omitted. */
  size?: number;
  name?: string;
  description?: string;
  imageId?: string;
  snapshotId?: string;
  sourceVolumeId?: string;
  /** A volume type name or id; the project's default type when omitted. */
  volumeType?: string;
  availabilityZone?: string;
  metadata?: Record<string, string>;
  /** The user's token, used to download the image from the image service (needed with imageId). */
  authToken?: string;
}

/** Looks a volume up for the context; VolumeNotFound (404) when it is not the context's to see. */
export const GetVolume = rpc<{ volumeId: string; context: VolumeCallerContext }, VolumeRef>(
  'block-storage.volume.get',
);

/**
 * Starts creating a volume (empty, or from an image for boot from volume) and answers at once with
 * the volume in `creating`; poll GetVolume until `available` (or `error`). Quota applies: OverQuota
 * (413) when the project has no room.
 */
export const CreateVolume = rpc<CreateVolumeRequest, VolumeRef>('block-storage.volume.create');

/** Starts deleting a detached volume (delete_on_termination); answers with the volume in `deleting`. */
export const DeleteVolume = rpc<{ volumeId: string; context: VolumeCallerContext }, VolumeRef>(
  'block-storage.volume.delete',
);

/**
 * Reserves a volume for an instance (attachment `reserved`, volume `reserved`). With a connector
 * it also initialises the connection (attachment and volume `attaching`) and the reply carries
 * connectionInfo. InvalidVolume (400) when the volume is not available (or in-use and multiattach).
 */
export const CreateAttachment = rpc<
  {
    volumeId: string;
    instanceUuid: string;
    context: VolumeCallerContext;
    connector?: VolumeConnector;
    mode?: 'rw' | 'ro';
  },
  AttachmentRef
>('block-storage.attachment.create');

/** Initialises the connection for the host in the connector: the reply carries connectionInfo. */
export const UpdateAttachment = rpc<
  { attachmentId: string; connector: VolumeConnector; context: VolumeCallerContext },
  AttachmentRef
>('block-storage.attachment.update');

/** The host has plugged the volume: attachment `attached`, volume `in-use`. */
export const CompleteAttachment = rpc<{ attachmentId: string; context: VolumeCallerContext }, AttachmentRef>(
  'block-storage.attachment.complete',
);

/**
 * The host has unplugged the volume (or never plugged it): the attachment goes away and the volume
 * is `available` again (`in-use` while other attachments remain). Idempotent for a gone attachment.
 */
export const DeleteAttachment = rpc<
  { attachmentId: string; context: VolumeCallerContext },
  { deleted: true; volumeStatus: string }
>('block-storage.attachment.delete');

/** Attachments of an instance (or of a volume), e.g. to detach everything when a server goes. */
export const ListAttachments = rpc<
  { instanceUuid?: string; volumeId?: string; context: VolumeCallerContext },
  AttachmentRef[]
>('block-storage.attachment.list');

/** Nova's begin_detaching / roll_detaching around a detach: `in-use` -> `detaching` and back. */
export const BeginDetaching = rpc<{ volumeId: string; context: VolumeCallerContext }, VolumeRef>(
  'block-storage.volume.begin-detaching',
);
export const RollDetaching = rpc<{ volumeId: string; context: VolumeCallerContext }, VolumeRef>(
  'block-storage.volume.roll-detaching',
);

export interface SnapshotRef {
  id: string;
  volumeId: string;
  /** GiB, the volume's size when it was taken. */
  size: number;
  /** creating, available, error, deleting, ... */
  status: string;
  name: string | null;
}

/**
 * Snapshots a volume, attached or not (Nova's create_snapshot_force, for images of volume-backed
 * servers); answers in `creating`: poll GetSnapshot until `available`. Quota applies.
 */
export const CreateSnapshot = rpc<
  { volumeId: string; context: VolumeCallerContext; name?: string; description?: string },
  SnapshotRef
>('block-storage.snapshot.create');

/** SnapshotNotFound (404) when it is not the context's to see. */
export const GetSnapshot = rpc<{ snapshotId: string; context: VolumeCallerContext }, SnapshotRef>(
  'block-storage.snapshot.get',
);

/** The JetStream stream of volume events compute follows (Nova's external events from Cinder). */
export const BLOCK_STORAGE_VOLUME_STREAM = 'BLOCK_STORAGE_VOLUME_EVENTS';

/**
 * An attached volume grew (online extend, 3.42+): each host holding it should resize the guest's
 * disk (libvirt blockresize), as Nova does on its volume-extended external event.
 */
export interface VolumeExtendedEvent {
  volumeId: string;
  /** GiB. */
  size: number;
  attachments: { attachmentId: string; instanceUuid: string | null; hostName: string | null }[];
  at: string;
}

export const VolumeExtended = event<VolumeExtendedEvent>('evt.block-storage.volume.extended');
