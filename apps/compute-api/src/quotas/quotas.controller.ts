import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Put, Query } from '@nestjs/common';
import { ErrorCode, GetProject } from '@stratus/contracts';
import { Auth, AuthContext, badRequest, DomainError, RpcClient } from '@stratus/platform';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { parseBody, queryString } from '../common/nova-input';
import { ApiVersion } from '../common/nova-request';
import { booleanParam, intParam } from '../common/nova-schemas';
import {
  absoluteLimits,
  LEGACY_NETWORK_QUOTAS,
  QUOTA_RESOURCES,
  QuotaResource,
  quotaSetFields,
} from './quota-resources';
import { QuotasService } from './quotas.service';

const limitValue = intParam(-1);

function updateSchema(version: Microversion) {
  const fields: Record<string, z.ZodType> = { force: booleanParam.optional() };
  for (const resource of QUOTA_RESOURCES) fields[resource] = limitValue.optional();
  if (!version.atLeast('2.36')) {
    for (const resource of Object.keys(LEGACY_NETWORK_QUOTAS)) fields[resource] = limitValue.optional();
  }
  return z.object({ quota_set: z.object(fields).strict() }).strict();
}

/** os-quota-sets: a project's limits, their defaults and what is in use. */
@Controller('v2.1/os-quota-sets/:projectId')
export class QuotaSetsController {
  private readonly logger = new Logger('Quotas');

  constructor(
    private readonly quotas: QuotasService,
    private readonly rpc: RpcClient,
  ) {}

  @Get()
  async show(
    @Auth() auth: AuthContext,
    @Param('projectId') projectId: string,
    @ApiVersion() version: Microversion,
  ) {
    this.requireReadable(auth, projectId, 'os_compute_api:os-quota-sets:show');
    return { quota_set: { id: projectId, ...quotaSetFields(await this.quotas.limits(projectId), version) } };
  }

  @Get('detail')
  async detail(
    @Auth() auth: AuthContext,
    @Param('projectId') projectId: string,
    @ApiVersion() version: Microversion,
  ) {
    this.requireReadable(auth, projectId, 'os_compute_api:os-quota-sets:detail');
    const limits = quotaSetFields(await this.quotas.limits(projectId), version);
    const used: Record<string, number> = await this.quotas.usageDetail(projectId, auth.userId);
    const detail: Record<string, unknown> = { id: projectId };
    for (const [resource, limit] of Object.entries(limits)) {
      detail[resource] = { in_use: used[resource] ?? 0, limit, reserved: 0 };
    }
    return { quota_set: detail };
  }

  @Get('defaults')
  defaults(
    @Auth() auth: AuthContext,
    @Param('projectId') projectId: string,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.reader(auth, 'os_compute_api:os-quota-sets:defaults');
    return { quota_set: { id: projectId, ...quotaSetFields(this.quotas.defaults(), version) } };
  }

  @Put()
  async update(
    @Auth() auth: AuthContext,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-quota-sets:update');
    const { quota_set } = parseBody(updateSchema(version), body);
    await this.requireProject(projectId);
    const { force, ...values } = quota_set as Record<string, number | boolean | undefined>;
    const changes: Partial<Record<QuotaResource, number>> = {};
    const used: Record<string, number> = await this.quotas.usageDetail(projectId, auth.userId);
    for (const resource of QUOTA_RESOURCES) {
      const limit = values[resource];
      if (typeof limit !== 'number') continue;
      if (!force && limit >= 0 && limit < (used[resource] ?? 0)) {
        throw badRequest(
          `Quota limit ${limit} for ${resource} must be greater than or equal to already used and reserved ${used[resource]}.`,
        );
      }
      changes[resource] = limit;
    }
    await this.quotas.update(projectId, changes);
    return { quota_set: quotaSetFields(await this.quotas.limits(projectId), version) };
  }

  @Delete()
  @HttpCode(202)
  async reset(@Auth() auth: AuthContext, @Param('projectId') projectId: string): Promise<void> {
    computePolicy.admin(auth, 'os_compute_api:os-quota-sets:delete');
    await this.quotas.reset(projectId);
  }

  private requireReadable(auth: AuthContext, projectId: string, rule: string): void {
    if (auth.isAdmin) return;
    if (computePolicy.reader(auth, rule) !== projectId) computePolicy.admin(auth, rule);
  }

  /** Like Nova, refuse quotas for a project identity does not know, but do not fail when identity is away. */
  private async requireProject(projectId: string): Promise<void> {
    try {
      await this.rpc.request(GetProject, { projectId });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw badRequest(`Project ID ${projectId} is not a valid project.`);
      }
      this.logger.warn(`could not verify project ${projectId}: ${String(error)}`);
    }
  }
}

/** GET /limits: the caller's project's absolute limits with totals used; admins may name a tenant_id. */
@Controller('v2.1/limits')
export class LimitsController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  async limits(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
  ) {
    const own = computePolicy.reader(auth, 'os_compute_api:limits');
    const asked = queryString(query.tenant_id);
    const projectId = asked && auth.isAdmin ? asked : own;
    const limits = await this.quotas.limits(projectId);
    const used = await this.quotas.usage(projectId);
    return { limits: { rate: [], absolute: absoluteLimits(limits, used, version) } };
  }
}
