import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Auth, AuthContext, badRequest, notFound } from '@stratus/platform';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import { parseBody } from '../common/nova-input';
import { ApiVersion } from '../common/nova-request';
import type { Microversion } from '../common/microversion';
import type { FlavorProjectEntity } from './flavor.entity';
import { FlavorsService } from './flavors.service';

const specKey = z.string().regex(/^[a-zA-Z0-9-_:. ]{1,255}$/, 'invalid extra spec key');
const specValue = z.union([z.string().max(255), z.number(), z.boolean()]).transform((v) => String(v));
const specsSchema = z.object({ extra_specs: z.record(specKey, specValue) }).strict();

const accessAction = z.union([
  z.object({ addTenantAccess: z.object({ tenant: z.string().min(1).max(255) }).strict() }).strict(),
  z.object({ removeTenantAccess: z.object({ tenant: z.string().min(1).max(255) }).strict() }).strict(),
]);

const accessView = (entries: FlavorProjectEntity[]) => ({
  flavor_access: entries.map((a) => ({ flavor_id: a.flavorId, tenant_id: a.projectId })),
});

/** Extra specs (os-extra_specs) and private flavor access lists (os-flavor-access). */
@Controller('v2.1/flavors/:flavorId')
export class FlavorExtrasController {
  constructor(private readonly flavors: FlavorsService) {}

  @Get('os-extra_specs')
  async specs(@Auth() auth: AuthContext, @Param('flavorId') flavorId: string) {
    computePolicy.reader(auth, 'os_compute_api:os-flavor-extra-specs:index');
    const flavor = await this.flavors.get(flavorId, { projectId: auth.projectId, isAdmin: auth.isAdmin });
    return { extra_specs: flavor.extraSpecs };
  }

  @Post('os-extra_specs')
  @HttpCode(200)
  async addSpecs(@Auth() auth: AuthContext, @Param('flavorId') flavorId: string, @Body() body: unknown) {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-extra-specs:create');
    const { extra_specs } = parseBody(specsSchema, body);
    await this.flavors.updateExtraSpecs(flavorId, (specs) => Object.assign(specs, extra_specs));
    return { extra_specs };
  }

  @Get('os-extra_specs/:key')
  async spec(@Auth() auth: AuthContext, @Param('flavorId') flavorId: string, @Param('key') key: string) {
    computePolicy.reader(auth, 'os_compute_api:os-flavor-extra-specs:show');
    const flavor = await this.flavors.get(flavorId, { projectId: auth.projectId, isAdmin: auth.isAdmin });
    if (!(key in flavor.extraSpecs)) {
      throw notFound(`Flavor ${flavorId} has no extra specs with key ${key}.`, 'FlavorExtraSpecsNotFound');
    }
    return { [key]: flavor.extraSpecs[key] };
  }

  @Put('os-extra_specs/:key')
  async setSpec(
    @Auth() auth: AuthContext,
    @Param('flavorId') flavorId: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-extra-specs:update');
    const value = parseBody(z.record(specKey, specValue), body);
    const keys = Object.keys(value);
    if (keys.length !== 1) throw badRequest('Request body contains too many items');
    if (keys[0] !== key) throw badRequest('Request body and URI mismatch');
    await this.flavors.updateExtraSpecs(flavorId, (specs) => (specs[key] = value[key]));
    return value;
  }

  @Delete('os-extra_specs/:key')
  @HttpCode(200)
  async deleteSpec(
    @Auth() auth: AuthContext,
    @Param('flavorId') flavorId: string,
    @Param('key') key: string,
  ): Promise<void> {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-extra-specs:delete');
    const flavor = await this.flavors.get(flavorId);
    if (!(key in flavor.extraSpecs)) {
      throw notFound(`Flavor ${flavorId} has no extra specs with key ${key}.`, 'FlavorExtraSpecsNotFound');
    }
    await this.flavors.updateExtraSpecs(flavorId, (specs) => delete specs[key]);
  }

  @Get('os-flavor-access')
  async accessList(@Auth() auth: AuthContext, @Param('flavorId') flavorId: string) {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-access');
    return accessView(await this.flavors.accessList(flavorId));
  }

  @Post('action')
  @HttpCode(200)
  async action(
    @Auth() auth: AuthContext,
    @Param('flavorId') flavorId: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
  ) {
    const action = parseBody(accessAction, body);
    if ('addTenantAccess' in action) {
      computePolicy.admin(auth, 'os_compute_api:os-flavor-access:add_tenant_access');
      const tenant = action.addTenantAccess.tenant;
      return accessView(await this.flavors.addAccess(flavorId, tenant, version.atLeast('2.7')));
    }
    computePolicy.admin(auth, 'os_compute_api:os-flavor-access:remove_tenant_access');
    return accessView(await this.flavors.removeAccess(flavorId, action.removeTenantAccess.tenant));
  }
}
