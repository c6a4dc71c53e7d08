import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from '../common/neutron-http';
import { subnetCreateSchema, subnetUpdateSchema } from './subnet.schemas';
import { SUBNET_LIST_SPEC, SubnetsService } from './subnets.service';

@Controller('v2.0/subnets')
export class SubnetsController {
  constructor(private readonly subnets: SubnetsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, SUBNET_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.subnets.list(actor, request);
    return collectionBody('subnets', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { subnet: selectFields(await this.subnets.get(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('subnet', subnetCreateSchema, body);
    return { subnet: await this.subnets.create(memberOf(auth), input) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatchRevision() ifMatch?: number,
  ) {
    const input = parseResourceBody('subnet', subnetUpdateSchema, body);
    return { subnet: await this.subnets.update(memberOf(auth), id, input, ifMatch) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.subnets.delete(memberOf(auth), id);
  }
}
