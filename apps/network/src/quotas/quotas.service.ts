import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest } from '@stratus/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { NetworkConfig } from '../config/network-config';
import { overQuota } from '../common/neutron-errors';
import { NETWORK_CONFIG } from '../network.tokens';
import { QuotaEntity } from '../persistence/network.entities';
import { defaultQuotas, QUOTA_RESOURCE_NAMES, QUOTA_RESOURCES, QuotaResource } from './quota-resources';

export type QuotaSet = Record<QuotaResource, number>;

/**
 * Per-project limits with configured defaults. Usage is counted in the creating transaction, so a
 * request over the limit gets 409 OverQuota; like Neutron without reservations, two requests racing
 * for the last unit may both pass.
 */
@Injectable()
export class QuotasService {
  readonly defaults: QuotaSet;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NETWORK_CONFIG) config: NetworkConfig,
  ) {
    this.defaults = defaultQuotas(config);
  }

  async limits(projectId: string, manager: EntityManager = this.dataSource.manager): Promise<QuotaSet> {
    const rows = await manager.find(QuotaEntity, { where: { projectId } });
    const limits = { ...this.defaults };
    for (const row of rows) if (row.resource in limits) limits[row.resource as QuotaResource] = row.limit;
    return limits;
  }

  async usage(projectId: string, resource: QuotaResource, manager: EntityManager = this.dataSource.manager) {
    const rows: { count: string | number }[] = await manager.query(
      `SELECT COUNT(*) AS count FROM ${QUOTA_RESOURCES[resource]} WHERE project_id = ?`,
      [projectId],
    );
    return Number(rows[0].count);
  }

  /** Refuses `adding` more of a resource when the project would go over its limit (-1 is unlimited). */
  async check(manager: EntityManager, projectId: string, resource: QuotaResource, adding = 1): Promise<void> {
    if (projectId === '') return;
    // One round trip for the limit and the usage: this runs in every creating transaction.
    const [row]: { hardLimit: number | string | null; used: number | string }[] = await manager.query(
      `SELECT (SELECT hard_limit FROM quota WHERE project_id = ? AND resource = ?) AS hardLimit,
              (SELECT COUNT(*) FROM ${QUOTA_RESOURCES[resource]} WHERE project_id = ?) AS used`,
      [projectId, resource, projectId],
    );
    const limit = row.hardLimit === null ? this.defaults[resource] : Number(row.hardLimit);
    if (limit >= 0 && Number(row.used) + adding > limit) throw overQuota(resource);
  }

  async update(projectId: string, changes: Partial<QuotaSet>, checkLimit: boolean): Promise<QuotaSet> {
    await this.dataSource.transaction(async (manager) => {
      for (const [resource, limit] of Object.entries(changes) as [QuotaResource, number][]) {
        if (checkLimit && limit >= 0) {
          const used = await this.usage(projectId, resource, manager);
          if (limit < used) {
            throw badRequest(
              `Quota limit ${limit} for ${resource} must be greater than or equal to already used and reserved ${used}.`,
              'InvalidQuotaValue',
            );
          }
        }
        await manager.upsert(QuotaEntity, { projectId, resource, limit }, ['projectId', 'resource']);
      }
    });
    return this.limits(projectId);
  }

  async reset(projectId: string): Promise<void> {
    await this.dataSource.manager.delete(QuotaEntity, { projectId });
  }

  /** Projects with at least one limit set, for the admin's GET /v2.0/quotas. */
  async projectsWithQuotas(): Promise<string[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(QuotaEntity, 'q')
      .select('DISTINCT q.project_id', 'projectId')
      .getRawMany<{ projectId: string }>();
    return rows.map((r) => r.projectId).sort();
  }

  async details(
    projectId: string,
  ): Promise<Record<QuotaResource, { used: number; limit: number; reserved: number }>> {
    const limits = await this.limits(projectId);
    const entries = await Promise.all(
      QUOTA_RESOURCE_NAMES.map(async (resource) => [
        resource,
        { used: await this.usage(projectId, resource), limit: limits[resource], reserved: 0 },
      ]),
    );
    return Object.fromEntries(entries) as Record<
      QuotaResource,
      { used: number; limit: number; reserved: number }
    >;
  }
}
