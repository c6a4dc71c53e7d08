import { Controller, Get, Param, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import { FindOptionsWhere, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { queryString } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links } from '../common/nova-request';
import { InstanceEntity } from '../servers/instance.entity';
import { tenantUsage, UsagePeriod } from './tenant-usage';

const COLLECTION = 'os-simple-tenant-usage';

/** Nova's accepted forms: a date and time, with or without fractions of a second; UTC. */
function periodTime(value: unknown, now: Date): Date {
  const text = queryString(value);
  if (text === undefined) return now;
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,6})?$/.exec(text);
  const date = match ? new Date(`${match[1]}T${match[2]}${(match[3] ?? '').slice(0, 4)}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw badRequest('Datetime is in invalid format');
  return date;
}

function periodOf(query: Record<string, unknown>): UsagePeriod {
  const now = new Date();
  const start = periodTime(query.start, now);
  const stop = periodTime(query.end, now);
  if (start > stop) {
    throw badRequest('Invalid start time. The start time cannot occur after the end time.');
  }
  return { start, stop, now };
}

function isTrue(value: unknown): boolean {
  return ['1', 'true', 'True', 'yes'].includes(queryString(value) ?? '');
}

/** os-simple-tenant-usage: server hours per project over a period, what `openstack usage` shows. */
@Controller(`v2.1/${COLLECTION}`)
export class UsageController {
  constructor(@InjectRepository(InstanceEntity) private readonly instances: Repository<InstanceEntity>) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-simple-tenant-usage:list');
    const period = periodOf(query);
    const page = await this.page(period, undefined, query, version);
    const byProject = new Map<string, InstanceEntity[]>();
    for (const instance of page.items) {
      byProject.set(instance.projectId, [...(byProject.get(instance.projectId) ?? []), instance]);
    }
    return {
      tenant_usages: [...byProject].map(([projectId, instances]) =>
        tenantUsage(projectId, instances, period, isTrue(query.detailed)),
      ),
      ...(page.last ? { tenant_usages_links: [links.next(COLLECTION, query, page.last)] } : {}),
    };
  }

  @Get(':projectId')
  async show(
    @Auth() auth: AuthContext,
    @Param('projectId') projectId: string,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    const own = computePolicy.reader(auth, 'os_compute_api:os-simple-tenant-usage:show');
    if (own !== projectId) computePolicy.admin(auth, 'os_compute_api:os-simple-tenant-usage:show');
    const period = periodOf(query);
    const page = await this.page(period, projectId, query, version);
    return {
      tenant_usage: page.items.length > 0 ? tenantUsage(projectId, page.items, period, true) : {},
      ...(page.last
        ? { tenant_usage_links: [links.next(`${COLLECTION}/${projectId}`, query, page.last)] }
        : {}),
    };
  }

  /** The servers that ran in the period, in creation order; pages of `limit` from 2.40 on. */
  private async page(
    period: UsagePeriod,
    projectId: string | undefined,
    query: Record<string, unknown>,
    version: Microversion,
  ): Promise<{ items: InstanceEntity[]; last?: string }> {
    const paged = version.atLeast('2.40');
    const limitText = paged ? queryString(query.limit) : undefined;
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw badRequest('Invalid input for query parameters limit.');
    }
    const markerUuid = paged ? queryString(query.marker) : undefined;
    let afterId = 0;
    if (markerUuid !== undefined) {
      const marker = await this.instances.findOneBy({ uuid: markerUuid });
      if (!marker) throw badRequest(`Marker ${markerUuid} could not be found.`);
      afterId = marker.id;
    }
    const ran: FindOptionsWhere<InstanceEntity> = {
      launchedAt: LessThan(period.stop),
      id: MoreThan(afterId),
      ...(projectId ? { projectId } : {}),
    };
    const items = await this.instances.find({
      where: [
        { ...ran, terminatedAt: IsNull() },
        { ...ran, terminatedAt: MoreThan(period.start) },
      ],
      order: { id: 'ASC' },
      ...(limit !== undefined ? { take: limit } : {}),
    });
    const full = limit !== undefined && limit > 0 && items.length === limit;
    return { items, last: full ? items[items.length - 1].uuid : undefined };
  }
}
