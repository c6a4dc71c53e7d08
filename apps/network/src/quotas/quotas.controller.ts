import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { Auth, AuthContext, forbidden, policy } from '@stratus/platform';
import { z } from 'zod';
import { readerOf } from '../common/actor';
import { neutronBoolean, neutronInteger, parseResourceBody, projectIdField } from '../common/neutron-body';
import { QUOTA_RESOURCE_NAMES, QuotaResource } from './quota-resources';
import { QuotasService } from './quotas.service';

const limit = neutronInteger.refine((value) => value >= -1, 'must be -1 (unlimited) or more');

const quotaUpdateSchema = z
  .object({
    ...(Object.fromEntries(QUOTA_RESOURCE_NAMES.map((name) => [name, limit])) as Record<
      QuotaResource,
      typeof limit
    >),
    check_limit: neutronBoolean,
    force: neutronBoolean,
    tenant_id: projectIdField,
    project_id: projectIdField,
  })
  .partial()
  .strict();

/** Neutron's quotas extension, with quota_details and quota-check-limit. */
@Controller('v2.0/quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  async list(@Auth() auth: AuthContext) {
    policy.requireAdmin(auth);
    const projects = await this.quotas.projectsWithQuotas();
    const quotas = await Promise.all(
      projects.map(async (projectId) => ({
        project_id: projectId,
        tenant_id: projectId,
        ...(await this.quotas.limits(projectId)),
      })),
    );
    return { quotas };
  }

  @Get('tenant')
  tenant(@Auth() auth: AuthContext) {
    return { tenant: { tenant_id: policy.requireProjectScope(auth) } };
  }

  @Get('project')
  project(@Auth() auth: AuthContext) {
    return { project: { project_id: policy.requireProjectScope(auth) } };
  }

  @Get(':projectId')
  async get(@Auth() auth: AuthContext, @Param('projectId') projectId: string) {
    this.requireAccess(auth, projectId);
    return { quota: await this.quotas.limits(projectId) };
  }

  @Get(':projectId/default')
  defaults(@Auth() auth: AuthContext, @Param('projectId') projectId: string) {
    this.requireAccess(auth, projectId);
    return { quota: { ...this.quotas.defaults } };
  }

  @Get(':projectId/details')
  async details(@Auth() auth: AuthContext, @Param('projectId') projectId: string) {
    this.requireAccess(auth, projectId);
    return { quota: await this.quotas.details(projectId) };
  }

  @Put(':projectId')
  async update(@Auth() auth: AuthContext, @Param('projectId') projectId: string, @Body() body: unknown) {
    policy.requireAdmin(auth);
    const input = parseResourceBody('quota', quotaUpdateSchema, body);
    const changes: Partial<Record<QuotaResource, number>> = {};
    for (const name of QUOTA_RESOURCE_NAMES) if (input[name] !== undefined) changes[name] = input[name];
    return { quota: await this.quotas.update(projectId, changes, input.check_limit ?? false) };
  }

  @Delete(':projectId')
  @HttpCode(204)
  async reset(@Auth() auth: AuthContext, @Param('projectId') projectId: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.quotas.reset(projectId);
  }

  private requireAccess(auth: AuthContext, projectId: string): void {
    const actor = readerOf(auth);
    if (!actor.isAdmin && actor.projectId !== projectId) {
      throw forbidden('Non-admin is not authorized to access quotas for another tenant');
    }
  }
}
