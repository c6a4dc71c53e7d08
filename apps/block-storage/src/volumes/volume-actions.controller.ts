import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { AttachmentsService, connectionInfoView } from '../attachments/attachments.service';
import {
  cinderBoolean,
  cinderInteger,
  metadataField,
  noArguments,
  parseBody,
  uuidField,
} from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, v3Paths } from '../common/cinder-http';
import { cinderTime } from '../common/time';
import { VolumeTypesService } from '../volume-types/volume-types.service';
import { attachModeField, connectorOf, connectorSchema } from './volume.schemas';
import { VOLUME_STATUSES, VolumesService } from './volumes.service';

const schemas = {
  'os-extend': z.object({ new_size: cinderInteger }).strict(),
  'os-set_bootable': z.object({ bootable: cinderBoolean }).strict(),
  'os-update_readonly_flag': z.object({ readonly: cinderBoolean }).strict(),
  'os-reset_status': z
    .object({
      status: z.enum(VOLUME_STATUSES as [string, ...string[]]),
      attach_status: z.enum(['attached', 'detached']),
      migration_status: z.string().max(255).nullable(),
    })
    .partial()
    .strict()
    .refine((b) => Object.keys(b).length > 0, 'Must specify status, attach_status or migration_status'),
  'os-attach': z
    .object({
      instance_uuid: uuidField.nullable().optional(),
      host_name: z.string().max(255).nullable().optional(),
      mountpoint: z.string().min(1).max(255),
      mode: attachModeField.optional(),
    })
    .strict(),
  'os-detach': z.union([z.null(), z.object({ attachment_id: uuidField.nullable().optional() }).strict()]),
  'os-force_detach': z.union([
    z.null(),
    z
      .object({
        attachment_id: uuidField.nullable().optional(),
        connector: connectorSchema.nullable().optional(),
      })
      .strict(),
  ]),
  'os-initialize_connection': z.object({ connector: connectorSchema }).strict(),
  'os-terminate_connection': z.object({ connector: connectorSchema }).strict(),
  'os-set_image_metadata': z.object({ metadata: metadataField }).strict(),
  'os-unset_image_metadata': z.object({ key: z.string().min(1).max(255) }).strict(),
  'os-retype': z
    .object({
      new_type: z.string().min(1).max(255),
      migration_policy: z.enum(['never', 'on-demand']).nullable().optional(),
    })
    .strict(),
  revert: z.object({ snapshot_id: uuidField }).strict(),
  'os-reimage': z.object({ image_id: uuidField, reimage_reserved: cinderBoolean.optional() }).strict(),
  'os-volume_upload_image': z
    .object({
      image_name: z.string().min(1).max(255),
      force: cinderBoolean.optional(),
      disk_format: z.string().max(20).optional(),
      container_format: z.string().max(20).optional(),
      visibility: z.enum(['public', 'private', 'shared', 'community']).optional(),
      protected: cinderBoolean.optional(),
    })
    .strict(),
};

/** Actions without arguments: `{"os-reserve": null}` or `{"os-reserve": {}}`. */
const NO_ARGUMENTS = [
  'os-reserve',
  'os-unreserve',
  'os-begin_detaching',
  'os-roll_detaching',
  'os-force_delete',
  'os-show_image_metadata',
];

/** POST /volumes/{id}/action: Cinder's volume actions, one per body. */
@Controller(v3Paths('volumes/:id/action'))
export class VolumeActionsController {
  constructor(
    private readonly volumes: VolumesService,
    private readonly attachments: AttachmentsService,
    private readonly types: VolumeTypesService,
  ) {}

  @Post()
  @HttpCode(202)
  async act(
    @CallerOf() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    if (keys.length !== 1) throw cinderErrors.invalidInput('The request body must name exactly one action.');
    const action = keys[0];
    const ok = (payload?: unknown) => {
      response.status(200);
      return payload;
    };
    if (NO_ARGUMENTS.includes(action)) parseBody(action, noArguments, body);
    switch (action) {
      case 'os-extend': {
        const { new_size } = parseBody(action, schemas[action], body);
        await this.volumes.extend(caller, id, new_size, caller.version.atLeast('3.42'), caller.requestId);
        return;
      }
      case 'os-set_bootable': {
        await this.volumes.setBootable(caller, id, parseBody(action, schemas[action], body).bootable);
        return ok();
      }
      case 'os-update_readonly_flag':
        await this.volumes.setReadonly(caller, id, parseBody(action, schemas[action], body).readonly);
        return;
      case 'os-reset_status': {
        const input = parseBody(action, schemas[action], body);
        await this.volumes.resetStatus(caller, id, {
          status: input.status,
          attachStatus: input.attach_status,
          migrationStatus: input.migration_status,
        });
        return;
      }
      case 'os-force_delete':
        await this.volumes.delete(caller, id, { cascade: false, force: true, requestId: caller.requestId });
        return;
      case 'os-reserve':
        await this.attachments.reserve(caller, id);
        return;
      case 'os-unreserve':
        await this.attachments.unreserve(caller, id);
        return;
      case 'os-begin_detaching':
        await this.attachments.beginDetaching(caller, id);
        return;
      case 'os-roll_detaching':
        await this.attachments.rollDetaching(caller, id);
        return;
      case 'os-attach': {
        const input = parseBody(action, schemas[action], body);
        await this.attachments.attach(caller, id, {
          instanceUuid: input.instance_uuid ?? null,
          hostName: input.host_name ?? null,
          mountpoint: input.mountpoint,
          mode: input.mode,
        });
        return;
      }
      case 'os-detach':
        await this.attachments.detach(
          caller,
          id,
          parseBody(action, schemas[action], body)?.attachment_id ?? undefined,
        );
        return;
      case 'os-force_detach':
        await this.attachments.detach(
          caller,
          id,
          parseBody(action, schemas[action], body)?.attachment_id ?? undefined,
          true,
        );
        return;
      case 'os-initialize_connection': {
        const { connector } = parseBody(action, schemas[action], body);
        const info = await this.attachments.initializeConnection(caller, id, connectorOf(connector));
        return ok({ connection_info: connectionInfoView(info) });
      }
      case 'os-terminate_connection': {
        const { connector } = parseBody(action, schemas[action], body);
        await this.attachments.terminateConnection(caller, id, connectorOf(connector));
        return;
      }
      case 'os-show_image_metadata':
        return ok({ metadata: await this.volumes.imageMetadata(caller, id) });
      case 'os-set_image_metadata': {
        const { metadata } = parseBody(action, schemas[action], body);
        return ok({ metadata: await this.volumes.setImageMetadata(caller, id, metadata) });
      }
      case 'os-unset_image_metadata':
        await this.volumes.unsetImageMetadata(caller, id, parseBody(action, schemas[action], body).key);
        return ok();
      case 'os-retype':
        await this.volumes.retype(caller, id, parseBody(action, schemas[action], body).new_type);
        return;
      case 'revert': {
        if (!caller.version.atLeast('3.40')) throw cinderErrors.versionNotFound(caller.version.toString());
        await this.volumes.revert(
          caller,
          id,
          parseBody(action, schemas[action], body).snapshot_id,
          caller.requestId,
        );
        return;
      }
      case 'os-reimage': {
        if (!caller.version.atLeast('3.68')) throw cinderErrors.versionNotFound(caller.version.toString());
        const input = parseBody(action, schemas[action], body);
        await this.volumes.reimage(
          caller,
          id,
          { imageId: input.image_id, reimageReserved: input.reimage_reserved ?? false },
          { token: caller.token, requestId: caller.requestId },
        );
        return;
      }
      case 'os-volume_upload_image': {
        const input = parseBody(action, schemas[action], body);
        const newer = caller.version.atLeast('3.1');
        const { volume, imageId } = await this.volumes.uploadToImage(
          caller,
          id,
          {
            imageName: input.image_name,
            diskFormat: input.disk_format ?? 'raw',
            containerFormat: input.container_format ?? 'bare',
            visibility: newer ? input.visibility : undefined,
            protected: newer ? input.protected : undefined,
            force: input.force ?? false,
          },
          { token: caller.token, requestId: caller.requestId },
        );
        const type = await this.types.loadOne(await this.types.find(caller, volume.volume.volumeTypeId));
        return {
          'os-volume_upload_image': {
            id: volume.volume.id,
            updated_at: cinderTime(volume.volume.updatedAt),
            status: 'uploading',
            display_description: volume.volume.description,
            size: volume.volume.size,
            volume_type: this.types.view(type, caller),
            image_id: imageId,
            container_format: input.container_format ?? 'bare',
            disk_format: input.disk_format ?? 'raw',
            image_name: input.image_name,
            ...(newer
              ? { visibility: input.visibility ?? 'private', protected: input.protected ?? false }
              : {}),
          },
        };
      }
      default:
        throw cinderErrors.invalidInput(`There is no such action: ${action}`);
    }
  }
}
