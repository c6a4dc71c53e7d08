import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import type { VolumeConnectionInfo } from '@stratus/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { noArguments, parseBody, uuidField } from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { nextLinks, parseListRequest } from '../common/list-params';
import { cinderTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import type { VolumeAttachmentEntity } from '../persistence/block-storage.entities';
import { attachModeField, connectorOf, connectorSchema, optionalConnector } from '../volumes/volume.schemas';
import { ATTACHMENT_LIST_SPEC, AttachmentsService, connectionInfoView } from './attachments.service';

const createSchema = z
  .object({
    volume_uuid: uuidField,
    instance_uuid: uuidField.nullable().optional(),
    connector: connectorSchema.nullable().optional(),
    mode: attachModeField.optional(),
  })
  .strict();

const updateSchema = z.object({ connector: connectorSchema }).strict();

function summary(row: VolumeAttachmentEntity) {
  return { id: row.id, status: row.attachStatus, instance: row.instanceUuid, volume_id: row.volumeId };
}

function detail(row: VolumeAttachmentEntity) {
  const info = row.connectionInfo ? (JSON.parse(row.connectionInfo) as VolumeConnectionInfo) : null;
  return {
    ...summary(row),
    attached_at: row.attachTime ? cinderTime(row.attachTime) : '',
    detached_at: row.detachTime ? cinderTime(row.detachTime) : '',
    attach_mode: row.attachMode,
    connection_info: info ? connectionInfoView(info, row.id) : {},
  };
}

/** Cinder's attachments API (3.27+, complete from 3.44, mode from 3.54). */
@Controller(v3Paths('attachments'))
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private check(caller: Caller, version = '3.27'): void {
    if (!caller.version.atLeast(version)) throw cinderErrors.versionNotFound(caller.version.toString());
  }

  private async listing(caller: Caller, query: URLSearchParams, full: boolean, request: Request) {
    this.check(caller);
    const list = parseListRequest(query, ATTACHMENT_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    const page = await this.attachments.list(caller, list);
    const body: Record<string, unknown> = {
      attachments: page.rows.map((r) => (full ? detail(r) : summary(r))),
    };
    const links = nextLinks(`${caller.baseUrl}${request.path}`, list, page);
    if (links.length) body.attachments_links = links;
    return body;
  }

  @Get()
  list(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams, @Req() request: Request) {
    return this.listing(caller, query, false, request);
  }

  @Get('detail')
  listDetail(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams, @Req() request: Request) {
    return this.listing(caller, query, true, request);
  }

  @Get(':id')
  async get(@CallerOf() caller: Caller, @Param('id') id: string) {
    this.check(caller);
    return { attachment: detail(await this.attachments.get(caller, id)) };
  }

  @Post()
  @HttpCode(200)
  async create(@CallerOf() caller: Caller, @Body() body: unknown) {
    this.check(caller);
    const input = parseBody('attachment', createSchema, body);
    if (input.mode !== undefined) this.check(caller, '3.54');
    const row = await this.attachments.create(caller, {
      volumeId: input.volume_uuid,
      instanceUuid: input.instance_uuid ?? null,
      connector: optionalConnector(input.connector),
      mode: input.mode,
    });
    return { attachment: detail(row) };
  }

  @Put(':id')
  async update(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    this.check(caller);
    const { connector } = parseBody('attachment', updateSchema, body);
    return { attachment: detail(await this.attachments.update(caller, id, connectorOf(connector))) };
  }

  @Post(':id/action')
  @HttpCode(204)
  async action(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    this.check(caller, '3.44');
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    if (keys.length !== 1 || keys[0] !== 'os-complete') {
      throw cinderErrors.invalidInput('The only attachment action is os-complete.');
    }
    parseBody('os-complete', noArguments, body);
    await this.attachments.complete(caller, id);
  }

  @Delete(':id')
  async delete(@CallerOf() caller: Caller, @Param('id') id: string) {
    this.check(caller);
    const { remaining } = await this.attachments.delete(caller, id);
    return { attachments: remaining.map(summary) };
  }
}
