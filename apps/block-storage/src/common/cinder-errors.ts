import { ErrorCode } from '@stratus/contracts';
import { DomainError } from '@stratus/platform';

/**
 * Cinder's exceptions with the messages its clients print, so `openstack volume ...` shows what an
 * operator of Cinder would recognise. The error filter wraps each in Cinder's fault body
 * (`{"badRequest": {"code": 400, "message": ...}}`).
 */
const bad = (message: string, type: string) => new DomainError(ErrorCode.BadRequest, message, type);
const missing = (message: string, type: string) => new DomainError(ErrorCode.NotFound, message, type);
const overLimit = (message: string, type: string) => new DomainError(ErrorCode.OverQuota, message, type);

export const cinderErrors = {
  invalidInput: (reason: string) => bad(`Invalid input received: ${reason}`, 'InvalidInput'),
  invalidVolume: (reason: string) => bad(`Invalid volume: ${reason}`, 'InvalidVolume'),
  invalidSnapshot: (reason: string) => bad(`Invalid snapshot: ${reason}`, 'InvalidSnapshot'),
  invalidBackup: (reason: string) => bad(`Invalid backup: ${reason}`, 'InvalidBackup'),
  invalidVolumeType: (reason: string) => bad(`Invalid volume type: ${reason}`, 'InvalidVolumeType'),
  invalidMetadata: (reason: string) => bad(`Invalid metadata: ${reason}`, 'InvalidVolumeMetadata'),
  invalidAvailabilityZone: (zone: string) =>
    bad(`Availability zone '${zone}' is invalid.`, 'InvalidAvailabilityZone'),
  invalidAttachMode: (mode: string, volumeId: string) =>
    bad(`Invalid attaching mode '${mode}' for volume ${volumeId}.`, 'InvalidVolumeAttachMode'),
  invalidImage: (reason: string) => bad(`Image is unacceptable: ${reason}`, 'ImageUnacceptable'),
  invalidQuotaValue: (reason: string) => bad(reason, 'InvalidQuotaValue'),
  malformedUrl: () => bad('Malformed request url', 'MalformedRequestUrl'),
  volumeTypeInUse: (id: string) =>
    bad(`Volume Type ${id} deletion is not allowed with volumes present with the type.`, 'VolumeTypeInUse'),
  volumeTypeDefault: () =>
    bad('The volume type is the default volume type and cannot be deleted.', 'VolumeTypeDeletionError'),

  volumeNotFound: (id: string) => missing(`Volume ${id} could not be found.`, 'VolumeNotFound'),
  snapshotNotFound: (id: string) => missing(`Snapshot ${id} could not be found.`, 'SnapshotNotFound'),
  volumeTypeNotFound: (id: string) => missing(`Volume type ${id} could not be found.`, 'VolumeTypeNotFound'),
  volumeTypeNotFoundByName: (name: string) =>
    missing(`Volume type with name ${name} could not be found.`, 'VolumeTypeNotFoundByName'),
  extraSpecNotFound: (typeId: string, key: string) =>
    missing(`Volume Type ${typeId} has no extra specs with key ${key}.`, 'VolumeTypeExtraSpecsNotFound'),
  typeAccessNotFound: (typeId: string, projectId: string) =>
    missing(
      `Volume type access not found for ${typeId} / ${projectId} combination.`,
      'VolumeTypeAccessNotFound',
    ),
  metadataNotFound: (id: string, key: string) =>
    missing(`Volume ${id} has no metadata with key ${key}.`, 'VolumeMetadataNotFound'),
  snapshotMetadataNotFound: (id: string, key: string) =>
    missing(`Snapshot ${id} has no metadata with key ${key}.`, 'SnapshotMetadataNotFound'),
  attachmentNotFound: (id: string) =>
    missing(
      `Volume attachment could not be found with filter: attachment_id = ${id}.`,
      'VolumeAttachmentNotFound',
    ),
  accessListUnavailable: () =>
    missing('Access list not available for public volume types.', 'VolumeTypeAccessNotFound'),
  backupNotFound: (id: string) => missing(`Backup ${id} could not be found.`, 'BackupNotFound'),
  messageNotFound: (id: string) => missing(`Message ${id} could not be found.`, 'MessageNotFound'),
  defaultTypeNotFound: (projectId: string) =>
    missing(`Default type for project ${projectId} not found.`, 'VolumeTypeDefaultNotFound'),
  versionNotFound: (version: string) =>
    missing(`API version ${version} is not supported on this method.`, 'VersionNotFoundForAPIMethod'),

  volumeTypeExists: (name: string) =>
    new DomainError(ErrorCode.Conflict, `Volume Type ${name} already exists.`, 'VolumeTypeExists'),
  typeAccessExists: (typeId: string, projectId: string) =>
    new DomainError(
      ErrorCode.Conflict,
      `Volume type access for ${typeId} / ${projectId} combination already exists.`,
      'VolumeTypeAccessExists',
    ),

  policy: (action: string) =>
    new DomainError(
      ErrorCode.Forbidden,
      `Policy doesn't allow ${action} to be performed.`,
      'PolicyNotAuthorized',
    ),

  volumeLimitExceeded: (allowed: number, name: string) =>
    overLimit(
      `VolumeLimitExceeded: Maximum number of volumes allowed (${allowed}) exceeded for quota '${name}'.`,
      'VolumeLimitExceeded',
    ),
  snapshotLimitExceeded: (allowed: number) =>
    overLimit(`Maximum number of snapshots allowed (${allowed}) exceeded`, 'SnapshotLimitExceeded'),
  gigabytesExceeded: (name: string, requested: number, quota: number, consumed: number) =>
    overLimit(
      `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed ${name} quota. Requested ${requested}G, quota is ${quota}G and ${consumed}G has been consumed.`,
      'VolumeSizeExceedsAvailableQuota',
    ),
  backupLimitExceeded: (allowed: number) =>
    overLimit(`Maximum number of backups allowed (${allowed}) exceeded`, 'BackupLimitExceeded'),
  backupGigabytesExceeded: (requested: number, quota: number, consumed: number) =>
    overLimit(
      `Requested backup exceeds allowed Backup gigabytes quota. Requested ${requested}G, quota is ${quota}G and ${consumed}G has been consumed.`,
      'VolumeBackupSizeExceedsAvailableQuota',
    ),
  perVolumeSizeExceeded: (size: number, limit: number) =>
    overLimit(
      `VolumeSizeExceedsLimit: Requested volume size ${size}G is larger than maximum allowed limit ${limit}G.`,
      'VolumeSizeExceedsLimit',
    ),
};
