import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { Auth, AuthContext, badRequest, conflict, notFound } from '@stratus/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { parseBody, usageTime } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links } from '../common/nova-request';
import { metadataParam, tagParam } from '../common/nova-schemas';
import { QuotasService } from '../quotas/quotas.service';
import { InstanceActionsService } from './instance-actions.service';
import type { InstanceEntity } from './instance.entity';
import { InstanceStore, instanceNotFound } from './instance.store';
import { requireUnlocked } from './server-locks';
import { requireState } from './server-operations.service';
import { VmState } from './server-state';
import { addressesOf } from './server-view';

const MAX_TAGS = 50;

/** Nova's states in which metadata and tags of a server may change. */
const CHANGEABLE = {
  vmStates: [
    VmState.ACTIVE,
    VmState.PAUSED,
    VmState.SUSPENDED,
    VmState.STOPPED,
    VmState.RESIZED,
    VmState.RESCUED,
    VmState.SHELVED,
    VmState.SHELVED_OFFLOADED,
  ],
  taskStates: [null],
};

const metadataBody = z.object({ metadata: metadataParam }).strict();
const metaBody = z.object({ meta: metadataParam }).strict();

/** /servers/{id}/metadata: the server's key/value metadata. */
@Controller('v2.1/servers/:id/metadata')
export class ServerMetadataController {
  constructor(
    private readonly store: InstanceStore,
    private readonly quotas: QuotasService,
  ) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    computePolicy.reader(auth, 'os_compute_api:server-metadata:index');
    return { metadata: (await this.store.visible(id, auth)).metadata };
  }

  @Post()
  @HttpCode(200)
  async merge(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { metadata } = parseBody(metadataBody, body);
    const instance = await this.changeable(auth, id, 'os_compute_api:server-metadata:create');
    return { metadata: await this.write(instance, { ...instance.metadata, ...metadata }) };
  }

  @Put()
  async replace(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { metadata } = parseBody(metadataBody, body);
    const instance = await this.changeable(auth, id, 'os_compute_api:server-metadata:update_all');
    return { metadata: await this.write(instance, metadata) };
  }

  @Get(':key')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @Param('key') key: string) {
    computePolicy.reader(auth, 'os_compute_api:server-metadata:show');
    const instance = await this.store.visible(id, auth);
    if (!(key in instance.metadata)) throw notFound('Metadata item was not found');
    return { meta: { [key]: instance.metadata[key] } };
  }

  @Put(':key')
  async set(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ) {
    const { meta } = parseBody(metaBody, body);
    const keys = Object.keys(meta);
    if (keys.length > 1) throw badRequest('Request body contains too many items');
    if (keys[0] !== key) throw badRequest('Request body and URI mismatch');
    const instance = await this.changeable(auth, id, 'os_compute_api:server-metadata:update');
    await this.write(instance, { ...instance.metadata, ...meta });
    return { meta };
  }

  @Delete(':key')
  @HttpCode(204)
  async remove(@Auth() auth: AuthContext, @Param('id') id: string, @Param('key') key: string): Promise<void> {
    const instance = await this.changeable(auth, id, 'os_compute_api:server-metadata:delete');
    if (!(key in instance.metadata)) throw notFound('Metadata item was not found');
    const { [key]: _removed, ...rest } = instance.metadata;
    await this.write(instance, rest);
  }

  private async changeable(auth: AuthContext, id: string, rule: string): Promise<InstanceEntity> {
    computePolicy.member(auth, rule);
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    requireState(instance, 'update metadata', CHANGEABLE);
    return instance;
  }

  private async write(
    instance: InstanceEntity,
    metadata: Record<string, string>,
  ): Promise<Record<string, string>> {
    await this.quotas.checkMetadata(instance.projectId, Object.keys(metadata).length);
    instance.metadata = metadata;
    await this.store.save(instance);
    return metadata;
  }
}

/** /servers/{id}/tags, from 2.26. */
@Controller('v2.1/servers/:id/tags')
export class ServerTagsController {
  constructor(private readonly store: InstanceStore) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @ApiVersion() version: Microversion) {
    requireTags(version);
    computePolicy.reader(auth, 'os_compute_api:os-server-tags:index');
    return { tags: (await this.store.visible(id, auth)).tags };
  }

  @Put()
  async replace(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
  ) {
    requireTags(version);
    const { tags } = parseBody(z.object({ tags: z.array(tagParam) }).strict(), body);
    const unique = [...new Set(tags)];
    if (unique.length > MAX_TAGS)
      throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    const instance = await this.changeable(auth, id, 'os_compute_api:os-server-tags:update_all');
    instance.tags = unique;
    await this.store.save(instance);
    return { tags: unique };
  }

  @Delete()
  @HttpCode(204)
  async clear(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @ApiVersion() version: Microversion,
  ): Promise<void> {
    requireTags(version);
    const instance = await this.changeable(auth, id, 'os_compute_api:os-server-tags:delete_all');
    instance.tags = [];
    await this.store.save(instance);
  }

  @Get(':tag')
  @HttpCode(204)
  async check(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('tag') tag: string,
    @ApiVersion() version: Microversion,
  ): Promise<void> {
    requireTags(version);
    computePolicy.reader(auth, 'os_compute_api:os-server-tags:show');
    if (!(await this.store.visible(id, auth)).tags.includes(tag)) throw tagNotFound(tag, id);
  }

  @Put(':tag')
  async add(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('tag') tag: string,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    requireTags(version);
    parseBody(tagParam, tag);
    const instance = await this.changeable(auth, id, 'os_compute_api:os-server-tags:update');
    if (instance.tags.includes(tag)) {
      response.status(204);
      return;
    }
    if (instance.tags.length >= MAX_TAGS) {
      throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    }
    instance.tags = [...instance.tags, tag];
    await this.store.save(instance);
    response
      .status(201)
      .setHeader('Location', `${links.self('servers', id)}/tags/${encodeURIComponent(tag)}`);
  }

  @Delete(':tag')
  @HttpCode(204)
  async remove(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('tag') tag: string,
    @ApiVersion() version: Microversion,
  ): Promise<void> {
    requireTags(version);
    const instance = await this.changeable(auth, id, 'os_compute_api:os-server-tags:delete');
    if (!instance.tags.includes(tag)) throw tagNotFound(tag, id);
    instance.tags = instance.tags.filter((t) => t !== tag);
    await this.store.save(instance);
  }

  private async changeable(auth: AuthContext, id: string, rule: string): Promise<InstanceEntity> {
    computePolicy.member(auth, rule);
    const instance = await this.store.visible(id, auth);
    if (instance.vmState === VmState.BUILDING) {
      throw conflict(`Cannot 'update tags' instance ${id} while it is in vm_state building`);
    }
    return instance;
  }
}

function requireTags(version: Microversion): void {
  if (!version.atLeast('2.26')) throw notFound('The resource could not be found.');
}

const tagNotFound = (tag: string, id: string) =>
  notFound(`Tag ${tag} could not be found for instance ${id}.`, 'InstanceTagNotFound');

/** /servers/{id}/ips: addresses by network. */
@Controller('v2.1/servers/:id/ips')
export class ServerIpsController {
  constructor(private readonly store: InstanceStore) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    computePolicy.reader(auth, 'os_compute_api:ips:index');
    return { addresses: plainAddresses(await this.store.visible(id, auth)) };
  }

  @Get(':network')
  async network(@Auth() auth: AuthContext, @Param('id') id: string, @Param('network') network: string) {
    computePolicy.reader(auth, 'os_compute_api:ips:show');
    const addresses = plainAddresses(await this.store.visible(id, auth));
    if (!(network in addresses)) throw notFound('Instance is not a member of specified network');
    return { [network]: addresses[network] };
  }
}

function plainAddresses(instance: InstanceEntity): Record<string, { version: number; addr: string }[]> {
  const full = addressesOf(instance.vifs) as Record<string, { version: number; addr: string }[]>;
  return Object.fromEntries(
    Object.entries(full).map(([name, list]) => [name, list.map(({ version, addr }) => ({ version, addr }))]),
  );
}

/** os-instance-actions: what was done to a server, with each step's outcome. */
@Controller('v2.1/servers/:id/os-instance-actions')
export class InstanceActionsController {
  constructor(
    private readonly store: InstanceStore,
    private readonly actions: InstanceActionsService,
  ) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @ApiVersion() version: Microversion) {
    computePolicy.reader(auth, 'os_compute_api:os-instance-actions:list');
    await this.instance(auth, id, version);
    return { instanceActions: (await this.actions.list(id)).map((a) => actionView(a)) };
  }

  @Get(':requestId')
  async show(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.reader(auth, 'os_compute_api:os-instance-actions:show');
    await this.instance(auth, id, version);
    const found = await this.actions.get(id, requestId);
    if (!found) throw notFound(`Action for request_id ${requestId} on instance ${id} not found`);
    const view: Record<string, unknown> = actionView(found.action);
    // Before 2.51 only admins see the events; from it everyone does, tracebacks still admins only.
    if (auth.isAdmin || version.atLeast('2.51')) {
      view.events = found.events.map((e) => ({
        event: e.event,
        start_time: usageTime(e.startTime),
        finish_time: usageTime(e.finishTime),
        result: e.result,
        ...(auth.isAdmin ? { traceback: e.traceback } : {}),
      }));
    }
    return { instanceAction: view };
  }

  /** From 2.21 the actions of deleted servers stay readable. */
  private async instance(auth: AuthContext, id: string, version: Microversion): Promise<InstanceEntity> {
    const instance = await this.store.find(id);
    if (
      !instance ||
      (instance.deleted && !version.atLeast('2.21')) ||
      (!auth.isAdmin && instance.projectId !== auth.projectId)
    ) {
      throw instanceNotFound(id);
    }
    return instance;
  }
}

function actionView(action: {
  action: string;
  instanceUuid: string;
  message: string | null;
  projectId: string;
  requestId: string;
  startTime: Date;
  userId: string;
}) {
  return {
    action: action.action,
    instance_uuid: action.instanceUuid,
    message: action.message,
    project_id: action.projectId,
    request_id: action.requestId,
    start_time: usageTime(action.startTime),
    user_id: action.userId,
  };
}
