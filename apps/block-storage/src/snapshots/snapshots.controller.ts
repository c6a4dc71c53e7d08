import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import {
  cinderBoolean,
  descriptionField,
  metadataField,
  nameField,
  noArguments,
  parseBody,
  uuidField,
} from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { countedListBody, parseListRequest } from '../common/list-params';
import type { BlockStorageConfig } from '../config/block-storage-config';
import {
  SNAPSHOT_LIST_SPEC,
  SNAPSHOT_STATUSES,
  snapshotSummary,
  snapshotView,
  SnapshotsService,
} from './snapshots.service';

const createSchema = z
  .object({
    volume_id: uuidField,
    force: cinderBoolean.nullable().optional(),
    name: nameField.optional(),
    display_name: nameField.optional(),
    description: descriptionField.optional(),
    display_description: descriptionField.optional(),
    metadata: metadataField.nullable().optional(),
  })
  .strict();

const updateSchema = z
  .object({
    name: nameField,
    display_name: nameField,
    description: descriptionField,
    display_description: descriptionField,
  })
  .partial()
  .strict();

const resetSchema = z.object({ status: z.enum(SNAPSHOT_STATUSES as [string, ...string[]]) }).strict();

@Controller(v3Paths('snapshots'))
export class SnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private async listing(caller: Caller, query: URLSearchParams, detail: boolean, request: Request) {
    const list = parseListRequest(query, SNAPSHOT_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    if (!caller.version.atLeast('3.30') && list.sort.some((k) => k.sql === 's.name')) {
      throw cinderErrors.invalidInput('Invalid sort key name');
    }
    const { snapshots, page } = await this.snapshots.list(caller, list);
    return countedListBody(
      'snapshots',
      snapshots.map((s) => (detail ? snapshotView(s, caller) : snapshotSummary(s, caller))),
      `${caller.baseUrl}${request.path}`,
      list,
      page,
    );
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
    return { snapshot: snapshotView(await this.snapshots.get(caller, id), caller) };
  }

  @Post()
  @HttpCode(202)
  async create(@CallerOf() caller: Caller, @Body() body: unknown) {
    const input = parseBody('snapshot', createSchema, body);
    const loaded = await this.snapshots.create(
      caller,
      {
        volumeId: input.volume_id,
        force: input.force ?? false,
        name: input.name !== undefined ? input.name : input.display_name,
        description: input.description !== undefined ? input.description : input.display_description,
        metadata: input.metadata ?? undefined,
      },
      { allowInUse: caller.version.atLeast('3.66'), requestId: caller.requestId },
    );
    return { snapshot: snapshotView(loaded, caller) };
  }

  @Put(':id')
  async update(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const input = parseBody('snapshot', updateSchema, body);
    const loaded = await this.snapshots.update(caller, id, {
      name: input.name !== undefined ? input.name : input.display_name,
      description: input.description !== undefined ? input.description : input.display_description,
    });
    return { snapshot: snapshotView(loaded, caller) };
  }

  @Delete(':id')
  @HttpCode(202)
  async delete(@CallerOf() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.snapshots.delete(caller, id, caller.requestId);
  }

  @Post(':id/action')
  @HttpCode(202)
  async action(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    if (keys.length !== 1) throw cinderErrors.invalidInput('The request body must name exactly one action.');
    if (keys[0] === 'os-reset_status') {
      await this.snapshots.resetStatus(caller, id, parseBody('os-reset_status', resetSchema, body).status);
    } else if (keys[0] === 'os-force_delete') {
      parseBody('os-force_delete', noArguments, body);
      await this.snapshots.delete(caller, id, caller.requestId, true);
    } else {
      throw cinderErrors.invalidInput(`There is no such action: ${keys[0]}`);
    }
  }

  @Get(':id/metadata')
  async metadata(@CallerOf() caller: Caller, @Param('id') id: string) {
    return { metadata: await this.snapshots.metadata(caller, id) };
  }

  @Post(':id/metadata')
  async addMetadata(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return {
      metadata: await this.snapshots.setMetadata(
        caller,
        id,
        parseBody('metadata', metadataField, body),
        false,
      ),
    };
  }

  @Put(':id/metadata')
  async replaceMetadata(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return {
      metadata: await this.snapshots.setMetadata(
        caller,
        id,
        parseBody('metadata', metadataField, body),
        true,
      ),
    };
  }

  @Get(':id/metadata/:key')
  async metadataItem(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    const metadata = await this.snapshots.metadata(caller, id);
    if (!(key in metadata)) throw cinderErrors.snapshotMetadataNotFound(id, key);
    return { meta: { [key]: metadata[key] } };
  }

  @Put(':id/metadata/:key')
  async setMetadataItem(
    @CallerOf() caller: Caller,
    @Param('id') id: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ) {
    const meta = parseBody('meta', metadataField, body);
    const keys = Object.keys(meta);
    if (keys.length > 1) throw cinderErrors.invalidInput('Request body contains too many items');
    if (keys[0] !== key) throw cinderErrors.invalidInput('Request body and URI mismatch');
    await this.snapshots.setMetadata(caller, id, meta, false);
    return { meta };
  }

  @Delete(':id/metadata/:key')
  async deleteMetadataItem(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    await this.snapshots.deleteMetadata(caller, id, key);
  }
}
