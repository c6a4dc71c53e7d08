import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from '../common/neutron-http';
import { networkCreateSchema, networkUpdateSchema } from './network.schemas';
import { NETWORK_LIST_SPEC, NetworksService } from './networks.service';

@Controller('v2.0/networks')
export class NetworksController {
  constructor(private readonly networks: NetworksService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, NETWORK_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.networks.list(actor, request);
    return collectionBody('networks', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { network: selectFields(await this.networks.get(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('network', networkCreateSchema, body);
    return { network: await this.networks.create(memberOf(auth), input) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatchRevision() ifMatch?: number,
  ) {
    const input = parseResourceBody('network', networkUpdateSchema, body);
    return { network: await this.networks.update(memberOf(auth), id, input, ifMatch) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.networks.delete(memberOf(auth), id);
  }
}
