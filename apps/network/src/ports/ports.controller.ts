import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, IfMatchRevision, ListContext, ListQuery } from '../common/neutron-http';
import { portCreateSchema, portUpdateSchema } from './port.schemas';
import { PORT_LIST_SPEC, PortsService } from './ports.service';

@Controller('v2.0/ports')
export class PortsController {
  constructor(private readonly ports: PortsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, PORT_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.ports.list(actor, request);
    return collectionBody('ports', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { port: selectFields(await this.ports.get(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('port', portCreateSchema, body);
    return { port: await this.ports.create(memberOf(auth), input) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @IfMatchRevision() ifMatch?: number,
  ) {
    const input = parseResourceBody('port', portUpdateSchema, body);
    return { port: await this.ports.update(memberOf(auth), id, input, ifMatch) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.ports.delete(memberOf(auth), id);
  }
}
