import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from '../common/neutron-http';
import { floatingIpCreateSchema, floatingIpUpdateSchema } from './floating-ip.schemas';
import { FLOATING_IP_LIST_SPEC, FloatingIpsService } from './floating-ips.service';

@Controller('v2.0/floatingips')
export class FloatingIpsController {
  constructor(private readonly floatingIps: FloatingIpsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, FLOATING_IP_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.floatingIps.list(actor, request);
    return collectionBody('floatingips', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { floatingip: selectFields(await this.floatingIps.get(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('floatingip', floatingIpCreateSchema, body);
    return { floatingip: await this.floatingIps.create(memberOf(auth), input) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatchRevision() ifMatch?: number,
  ) {
    const input = parseResourceBody('floatingip', floatingIpUpdateSchema, body);
    return { floatingip: await this.floatingIps.update(memberOf(auth), id, input, ifMatch) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.floatingIps.delete(memberOf(auth), id);
  }
}
