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
  BACKUP_LIST_SPEC,
  BACKUP_STATUSES,
  backupSummary,
  backupView,
  BackupsService,
} from './backups.service';

/** A Swift container name: what Swift itself accepts, so a bad one fails here and not in the backup. */
const containerField = z
  .string()
  .max(255)
  .regex(/^[^/]*$/, "must not contain '/'")
  .nullable();

const createBase = z.object({
  volume_id: uuidField,
  container: containerField.optional(),
  description: descriptionField.optional(),
  incremental: cinderBoolean.optional(),
  force: cinderBoolean.optional(),
  name: nameField.optional(),
  snapshot_id: uuidField.nullable().optional(),
});
const createSchema = createBase.strict();
const createSchema343 = createBase.extend({ metadata: metadataField.nullable().optional() }).strict();
const createSchema351 = createBase
  .extend({
    metadata: metadataField.nullable().optional(),
    availability_zone: z.string().max(255).nullable().optional(),
  })
  .strict();

const updateBase = z.object({ name: nameField, description: descriptionField }).partial();
const updateSchema = updateBase.strict().nullable();
const updateSchema343 = updateBase.extend({ metadata: metadataField.optional() }).strict().nullable();

const restoreSchema = z
  .object({ name: nameField.optional(), volume_id: uuidField.nullable().optional() })
  .strict()
  .nullable();

const resetSchema = z.object({ status: z.enum(BACKUP_STATUSES as [string, ...string[]]) }).strict();

@Controller(v3Paths('backups'))
export class BackupsController {
  constructor(
    private readonly backups: BackupsService,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private async listing(caller: Caller, query: URLSearchParams, detail: boolean, request: Request) {
    const list = parseListRequest(query, BACKUP_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    if (!caller.version.atLeast('3.37') && list.sort.some((k) => k.sql === 'b.name')) {
      throw cinderErrors.invalidInput('Invalid sort key name');
    }
    const { backups, page } = await this.backups.list(caller, list);
    return countedListBody(
      'backups',
      backups.map((b) => (detail ? backupView(b, caller) : backupSummary(b.backup, caller))),
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
    return { backup: backupView(await this.backups.get(caller, id), caller) };
  }

  @Post()
  @HttpCode(202)
  async create(@CallerOf() caller: Caller, @Body() body: unknown) {
    const schema = caller.version.atLeast('3.51')
      ? createSchema351
      : caller.version.atLeast('3.43')
        ? createSchema343
        : createSchema;
    const input = parseBody('backup', schema, body) as z.infer<typeof createSchema351>;
    const loaded = await this.backups.create(
      caller,
      {
        volumeId: input.volume_id,
        container: input.container,
        name: input.name,
        description: input.description,
        incremental: input.incremental ?? false,
        force: input.force ?? false,
        snapshotId: input.snapshot_id,
        metadata: input.metadata,
        availabilityZone: input.availability_zone,
      },
      { token: caller.token, requestId: caller.requestId },
    );
    return { backup: backupSummary(loaded.backup, caller) };
  }

  /** Name and description (3.9), metadata (3.43). */
  @Put(':id')
  async update(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    if (!caller.version.atLeast('3.9')) throw cinderErrors.versionNotFound(caller.version.toString());
    const schema = caller.version.atLeast('3.43') ? updateSchema343 : updateSchema;
    const input = (parseBody('backup', schema, body) ?? {}) as z.infer<typeof updateBase> & {
      metadata?: Record<string, string>;
    };
    const loaded = await this.backups.update(caller, id, {
      name: input.name,
      description: input.description,
      metadata: input.metadata,
    });
    return { backup: backupSummary(loaded.backup, caller) };
  }

  @Delete(':id')
  @HttpCode(202)
  async delete(@CallerOf() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.backups.delete(caller, id, caller.token, caller.requestId);
  }

  @Post(':id/restore')
  @HttpCode(202)
  async restore(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const input = parseBody('restore', restoreSchema, body) ?? {};
    const restore = await this.backups.restore(
      caller,
      id,
      { volumeId: input.volume_id, name: input.name },
      { token: caller.token, requestId: caller.requestId },
    );
    return { restore };
  }

  @Post(':id/action')
  @HttpCode(202)
  async action(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    if (keys.length !== 1) throw cinderErrors.invalidInput('The request body must name exactly one action.');
    if (keys[0] === 'os-reset_status') {
      await this.backups.resetStatus(caller, id, parseBody('os-reset_status', resetSchema, body).status);
    } else if (keys[0] === 'os-force_delete') {
      parseBody('os-force_delete', noArguments, body);
      await this.backups.delete(caller, id, caller.token, caller.requestId, true);
    } else {
      throw cinderErrors.invalidInput(`There is no such action: ${keys[0]}`);
    }
  }
}
