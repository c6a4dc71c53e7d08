import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Type } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import type { z } from 'zod';
import { Actor, memberOf, readerOf } from './actor';
import { collectionBody } from './collection';
import { ListRequest, ListSpec, Page, parseListRequest, selectFields } from './list-query';
import { parseResourceBody } from './neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from './neutron-http';

/** What a Neutron resource's service offers its REST API. */
export interface ResourceService<Create, Update> {
  list(
    actor: Actor,
    request: ListRequest,
  ): Promise<{ views: Record<string, unknown>[]; page: Page<{ id: string }> }>;
  get(actor: Actor, id: string): Promise<Record<string, unknown>>;
  create(actor: Actor, input: Create): Promise<unknown>;
  update(actor: Actor, id: string, input: Update, ifMatch?: number): Promise<unknown>;
  delete(actor: Actor, id: string): Promise<void>;
}

export interface ResourceApi<S, C extends z.ZodType, U extends z.ZodType> {
  /** The body key of one item (`network`); the collection is `<resource>s`. */
  resource: string;
  service: Type<S>;
  listSpec: ListSpec;
  createSchema: C;
  updateSchema: U;
}

/**
 * Neutron's five routes of a resource (list with filters, fields and paging; show; create; update
 * with If-Match revisions; delete), as a base class; the subclass names the path with @Controller
 * and may add routes of its own.
 */
export function ResourceController<
  S extends ResourceService<z.infer<C>, z.infer<U>>,
  C extends z.ZodType,
  U extends z.ZodType,
>(api: ResourceApi<S, C, U>) {
  const collection = `${api.resource}s`;

  class NeutronResourceController {
    constructor(@Inject(api.service) readonly service: S) {}

    @Get()
    async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
      const actor = readerOf(auth);
      const request = parseListRequest(context.query, api.listSpec, actor.isAdmin);
      const { views, page } = await this.service.list(actor, request);
      return collectionBody(collection, views, page, request, context);
    }

    @Get(':id')
    async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
      return { [api.resource]: selectFields(await this.service.get(readerOf(auth), id), fields) };
    }

    @Post()
    @HttpCode(201)
    async create(@Auth() auth: AuthContext, @Body() body: unknown) {
      const input = parseResourceBody(api.resource, api.createSchema, body);
      return { [api.resource]: await this.service.create(memberOf(auth), input) };
    }

    @Put(':id')
    async update(
      @Auth() auth: AuthContext,
      @Param('id') id: string,
      @Body() body: unknown,
      @IfMatchRevision() ifMatch?: number,
    ) {
      const input = parseResourceBody(api.resource, api.updateSchema, body);
      return { [api.resource]: await this.service.update(memberOf(auth), id, input, ifMatch) };
    }

    @Delete(':id')
    @HttpCode(204)
    async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
      await this.service.delete(memberOf(auth), id);
    }
  }
  return NeutronResourceController;
}
