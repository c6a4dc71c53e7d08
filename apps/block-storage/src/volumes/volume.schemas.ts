import type { VolumeConnector } from '@stratus/contracts';
import { z } from 'zod';
import {
  cinderBoolean,
  cinderInteger,
  descriptionField,
  metadataField,
  nameField,
  uuidField,
} from '../common/cinder-body';

const sizeField = cinderInteger.refine((n) => n >= 0 && n <= 2147483647, 'must be between 1 and 2147483647');

export const volumeCreateSchema = z
  .object({
    size: sizeField.nullable(),
    name: nameField,
    display_name: nameField,
    description: descriptionField,
    display_description: descriptionField,
    volume_type: z.string().max(255).nullable(),
    availability_zone: z.string().max(255).nullable(),
    metadata: metadataField.nullable(),
    imageRef: z.string().max(255).nullable(),
    image_id: z.string().max(255).nullable(),
    snapshot_id: uuidField.nullable(),
    source_volid: uuidField.nullable(),
    backup_id: uuidField.nullable(),
    consistencygroup_id: z.null(),
    group_id: z.null(),
    multiattach: cinderBoolean.nullable(),
  })
  .partial()
  .strict();

export const volumeUpdateSchema = z
  .object({
    name: nameField,
    display_name: nameField,
    description: descriptionField,
    display_description: descriptionField,
    metadata: metadataField,
  })
  .partial()
  .strict();

/** Cinder's connector: the host and its initiator details; Nova adds more keys, which are kept. */
export const connectorSchema = z
  .object({
    host: z.string().max(255).nullable().optional(),
    ip: z.string().max(255).nullable().optional(),
    initiator: z.string().max(255).nullable().optional(),
    platform: z.string().max(255).nullable().optional(),
    os_type: z.string().max(255).nullable().optional(),
    multipath: cinderBoolean.nullable().optional(),
    mountpoint: z.string().max(255).nullable().optional(),
  })
  .passthrough();

/** An empty connector (`{}`) means none, as Cinder reads it. */
export function optionalConnector(
  input: z.infer<typeof connectorSchema> | null | undefined,
): VolumeConnector | undefined {
  return input && Object.keys(input).length ? connectorOf(input) : undefined;
}

export function connectorOf(input: z.infer<typeof connectorSchema>): VolumeConnector {
  const connector: VolumeConnector = { host: input.host ?? '' };
  if (input.ip) connector.ip = input.ip;
  if (input.initiator) connector.initiator = input.initiator;
  if (input.platform) connector.platform = input.platform;
  if (input.os_type) connector.osType = input.os_type;
  if (input.multipath !== undefined && input.multipath !== null) connector.multipath = input.multipath;
  if (input.mountpoint) connector.mountpoint = input.mountpoint;
  return connector;
}

export const attachModeField = z.enum(['rw', 'ro']);

/** The image id from an imageRef, which may be a bare id or an image URL. */
export function imageIdOf(ref: string): string {
  return ref.replace(/\/+$/, '').split('/').pop() ?? ref;
}
