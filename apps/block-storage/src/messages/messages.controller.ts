import { Controller, Delete, Get, HttpCode, Inject, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Database } from '@stratus/platform';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { resourceLinks } from '../common/links';
import { applyFilters, fetchPage, ListSpec, nextLinks, parseListRequest } from '../common/list-params';
import { cinderTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { MessageEntity } from '../persistence/block-storage.entities';

export const MESSAGE_LIST_SPEC: ListSpec = {
  alias: 'm',
  sortKeys: {
    id: 'm.id',
    created_at: 'm.created_at',
    event_id: 'm.event_id',
    resource_type: 'm.resource_type',
    resource_uuid: 'm.resource_uuid',
    message_level: 'm.message_level',
    request_id: 'm.request_id',
  },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    resource_uuid: { type: 'string', sql: 'm.resource_uuid' },
    resource_type: { type: 'string', sql: 'm.resource_type' },
    event_id: { type: 'string', sql: 'm.event_id' },
    request_id: { type: 'string', sql: 'm.request_id' },
    message_level: { type: 'string', sql: 'm.message_level' },
  },
  markerNotFound: (marker) => cinderErrors.messageNotFound(marker),
};

function view(message: MessageEntity, caller: Caller): Record<string, unknown> {
  return {
    id: message.id,
    message_level: message.messageLevel,
    user_message: message.userMessage,
    event_id: message.eventId,
    resource_uuid: message.resourceUuid,
    resource_type: message.resourceType,
    request_id: message.requestId,
    created_at: cinderTime(message.createdAt),
    guaranteed_until: cinderTime(message.expiresAt),
    links: resourceLinks(caller.baseUrl, caller.urlProjectId, 'messages', message.id),
  };
}

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** User messages (3.3, filters and paging from 3.5): why an asynchronous operation failed. */
@Controller(v3Paths('messages'))
export class MessagesController {
  constructor(
    private readonly db: Database,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private check(caller: Caller, action: string): void {
    if (!caller.version.atLeast('3.3')) throw cinderErrors.versionNotFound(caller.version.toString());
    cinderPolicy.reader(caller, action);
  }

  private async find(caller: Caller, id: string): Promise<MessageEntity> {
    const message = IS_UUID.test(id)
      ? await this.db.manager.findOneBy(MessageEntity, { id: id.toLowerCase() })
      : null;
    if (!message || !cinderPolicy.owns(caller, message.projectId) || message.expiresAt < new Date()) {
      throw cinderErrors.messageNotFound(id);
    }
    return message;
  }

  @Get()
  async list(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams, @Req() request: Request) {
    this.check(caller, 'message:get_all');
    const paging = caller.version.atLeast('3.5') ? query : new URLSearchParams();
    const list = parseListRequest(paging, MESSAGE_LIST_SPEC, {
      version: caller.version,
      isAdmin: caller.isAdmin,
      maxLimit: this.config.BLOCK_STORAGE_LIST_LIMIT_MAX,
    });
    const qb = this.db.manager
      .createQueryBuilder(MessageEntity, 'm')
      .where('m.expires_at > :now', { now: new Date() });
    if (!caller.isAdmin || !list.allTenants)
      qb.andWhere('m.project_id = :scope', { scope: caller.projectId ?? '' });
    applyFilters(qb, list, MESSAGE_LIST_SPEC);
    const page = await fetchPage(qb, list, MESSAGE_LIST_SPEC);
    const body: Record<string, unknown> = { messages: page.rows.map((m) => view(m, caller)) };
    const links = nextLinks(`${caller.baseUrl}${request.path}`, list, page);
    if (links.length) body.messages_links = links;
    return body;
  }

  @Get(':id')
  async get(@CallerOf() caller: Caller, @Param('id') id: string) {
    this.check(caller, 'message:get');
    return { message: view(await this.find(caller, id), caller) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CallerOf() caller: Caller, @Param('id') id: string): Promise<void> {
    this.check(caller, 'message:delete');
    cinderPolicy.member(caller, 'message:delete');
    const message = await this.find(caller, id);
    await this.db.transaction((manager) => manager.delete(MessageEntity, { id: message.id }));
  }
}
