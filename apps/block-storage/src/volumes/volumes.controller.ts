import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { cinderBoolean, metadataField, parseBody, parseValue } from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { countedListBody, parseListRequest } from '../common/list-params';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { imageIdOf, volumeCreateSchema, volumeUpdateSchema } from './volume.schemas';
import { volumeDetail, volumeSummary } from './volume-view';
import { VOLUME_LIST_SPEC, VolumesService } from './volumes.service';

/** Cinder's metadata ETag: the md5 of the metadata document. */
export function metadataEtag(metadata: Record<string, string>): string {
  const sorted = Object.fromEntries(
    Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return createHash('md5')
    .update(JSON.stringify({ metadata: sorted }))
    .digest('hex');
}

@Controller(v3Paths('volumes'))
export class VolumesController {
  constructor(
    private readonly volumes: VolumesService,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private async listing(caller: Caller, query: URLSearchParams, detail: boolean, request: Request) {
    const list = parseListRequest(query, VOLUME_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    const { volumes, page } = await this.volumes.list(caller, list);
    return countedListBody(
      'volumes',
      volumes.map((v) => (detail ? volumeDetail(v, caller) : volumeSummary(v, caller))),
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

  @Get('summary')
  async summary(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    if (!caller.version.atLeast('3.12')) throw cinderErrors.versionNotFound(caller.version.toString());
    const scope = new URLSearchParams();
    for (const key of ['all_tenants', 'project_id']) if (query.has(key)) scope.set(key, query.get(key) ?? '');
    const list = parseListRequest(scope, VOLUME_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    const summary = await this.volumes.summary(caller, list);
    const body: Record<string, unknown> = { total_size: summary.size, total_count: summary.count };
    if (caller.version.atLeast('3.36')) body.metadata = summary.metadata;
    return { 'volume-summary': body };
  }

  @Get(':id')
  async get(@CallerOf() caller: Caller, @Param('id') id: string) {
    return { volume: volumeDetail(await this.volumes.get(caller, id), caller) };
  }

  @Post()
  @HttpCode(202)
  async create(@CallerOf() caller: Caller, @Body() body: unknown) {
    const input = parseBody('volume', volumeCreateSchema, body);
    const imageRef = input.imageRef ?? input.image_id ?? null;
    const loaded = await this.volumes.create(
      caller,
      {
        size: input.size,
        name: input.name ?? input.display_name,
        description: input.description ?? input.display_description,
        volumeType: input.volume_type,
        availabilityZone: input.availability_zone,
        metadata: input.metadata,
        imageId: imageRef === null ? null : imageIdOf(imageRef),
        snapshotId: input.snapshot_id,
        sourceVolid: input.source_volid,
        backupId: input.backup_id,
        multiattach: input.multiattach,
      },
      {
        token: caller.token,
        requestId: caller.requestId,
        novaSnapshotImages: caller.version.atLeast('3.46'),
      },
    );
    return { volume: volumeDetail(loaded, caller) };
  }

  @Put(':id')
  async update(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const input = parseBody('volume', volumeUpdateSchema, body);
    const name = input.name !== undefined ? input.name : input.display_name;
    const description = input.description !== undefined ? input.description : input.display_description;
    const loaded = await this.volumes.update(caller, id, { name, description, metadata: input.metadata });
    return { volume: volumeDetail(loaded, caller) };
  }

  /** DELETE, with cascade (snapshots too) and, from 3.23, force (admins). */
  @Delete(':id')
  @HttpCode(202)
  async delete(@CallerOf() caller: Caller, @Param('id') id: string, @RawQuery() query: URLSearchParams) {
    const flag = (name: string) => {
      const text = query.get(name);
      return text !== null && parseValue(cinderBoolean, text, name);
    };
    await this.volumes.delete(caller, id, {
      cascade: flag('cascade'),
      force: caller.version.atLeast('3.23') && flag('force'),
      requestId: caller.requestId,
    });
  }

  /** From 3.15 the metadata carries an ETag, which a replacing PUT may require with If-Match. */
  @Get(':id/metadata')
  async metadata(
    @CallerOf() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const metadata = await this.volumes.metadata(caller, id);
    if (caller.version.atLeast('3.15')) response.setHeader('ETag', metadataEtag(metadata));
    return { metadata };
  }

  @Post(':id/metadata')
  async addMetadata(@CallerOf() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const metadata = parseBody('metadata', metadataField, body);
    return { metadata: await this.volumes.setMetadata(caller, id, metadata, false) };
  }

  @Put(':id/metadata')
  async replaceMetadata(
    @CallerOf() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const metadata = parseBody('metadata', metadataField, body);
    const ifMatch = request.get('if-match');
    if (caller.version.atLeast('3.15') && ifMatch) {
      const current = metadataEtag(await this.volumes.metadata(caller, id));
      const wanted = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '').replace(/"/g, ''));
      if (!wanted.includes(current) && !wanted.includes('*')) {
        response.status(412);
        return undefined;
      }
    }
    return { metadata: await this.volumes.setMetadata(caller, id, metadata, true) };
  }

  @Get(':id/metadata/:key')
  async metadataItem(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    const metadata = await this.volumes.metadata(caller, id);
    if (!(key in metadata)) throw cinderErrors.metadataNotFound(id, key);
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
    await this.volumes.setMetadata(caller, id, meta, false);
    return { meta };
  }

  @Delete(':id/metadata/:key')
  async deleteMetadataItem(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string) {
    await this.volumes.deleteMetadata(caller, id, key);
  }
}
