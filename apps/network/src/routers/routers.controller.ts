import { Body, Controller, Param, Put } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf } from '../common/actor';
import { parseAttributes, parseResourceBody } from '../common/neutron-body';
import { ResourceController } from '../common/resource-controller';
import { interfaceSchema, routerCreateSchema, routerUpdateSchema, routesBodySchema } from './router.schemas';
import { ROUTER_LIST_SPEC, RoutersService } from './routers.service';

@Controller('v2.0/routers')
export class RoutersController extends ResourceController({
  resource: 'router',
  service: RoutersService,
  listSpec: ROUTER_LIST_SPEC,
  createSchema: routerCreateSchema,
  updateSchema: routerUpdateSchema,
}) {
  @Put(':id/add_router_interface')
  async addInterface(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.service.addInterface(memberOf(auth), id, parseAttributes(interfaceSchema, body));
  }

  @Put(':id/remove_router_interface')
  async removeInterface(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.service.removeInterface(memberOf(auth), id, parseAttributes(interfaceSchema, body));
  }

  @Put(':id/add_extraroutes')
  async addRoutes(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { routes } = parseResourceBody('router', routesBodySchema, body);
    return { router: await this.service.addRoutes(memberOf(auth), id, routes) };
  }

  @Put(':id/remove_extraroutes')
  async removeRoutes(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    const { routes } = parseResourceBody('router', routesBodySchema, body);
    return { router: await this.service.removeRoutes(memberOf(auth), id, routes) };
  }
}
