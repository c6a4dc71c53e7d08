import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseAttributes, parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from '../common/neutron-http';
import { interfaceSchema, routerCreateSchema, routerUpdateSchema, routesBodySchema } from './router.schemas';
import { ROUTER_LIST_SPEC, RoutersService } from './routers.service';

@Controller('v2.0/routers')
export class RoutersController {
  constructor(private readonly routers: RoutersService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, ROUTER_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.routers.list(actor, request);
    return collectionBody('routers', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { router: selectFields(await this.routers.get(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('router', routerCreateSchema, body);
    return { router: await this.routers.create(memberOf(auth), input) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatchRevision() ifMatch?: number,
  ) {
    const input = parseResourceBody('router', routerUpdateSchema, body);
    return { router: await this.routers.update(memberOf(auth), id, input, ifMatch) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.routers.delete(memberOf(auth), id);
  }

  @Put(':id/add_router_interface')
  async addInterface(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.routers.addInterface(memberOf(auth), id, parseAttributes(interfaceSchema, body));
  }

  @Put(':id/remove_router_interface')
  async removeInterface(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.routers.removeInterface(memberOf(auth), id, parseAttributes(interfaceSchema, body));
  }

  @Put(':id/add_extraroutes')
  async addRoutes(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { routes } = parseResourceBody('router', routesBodySchema, body);
    return { router: await this.routers.addRoutes(memberOf(auth), id, routes) };
  }

  @Put(':id/remove_extraroutes')
  async removeRoutes(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { routes } = parseResourceBody('router', routesBodySchema, body);
    return { router: await this.routers.removeRoutes(memberOf(auth), id, routes) };
  }
}
