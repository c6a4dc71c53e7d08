import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { Actor, cinderPolicy } from '../common/actor';
import { cinderBoolean, cinderInteger, parseBody, parseValue } from '../common/cinder-body';
import { cinderErrors } from '../common/cinder-errors';
import { Caller, CallerOf, RawQuery, v3Paths } from '../common/cinder-http';
import { QuotaSet, QuotasService } from './quotas.service';

const limitValue = cinderInteger.refine((v) => v >= -1, 'Quota limit must be -1 or greater.');

/** `{"quota_set": {"volumes": 10, ...}}`; the id and tenant_id some clients echo back are ignored. */
function parseQuotaSet(key: string, body: unknown): QuotaSet {
  const raw = parseBody(key, z.record(z.string(), z.unknown()), body);
  const changes: QuotaSet = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'id' || name === 'tenant_id' || name === 'project_id') continue;
    changes[name] = parseValue(limitValue, value, name);
  }
  return changes;
}

function requireOwnOrAdmin(actor: Actor, projectId: string): void {
  cinderPolicy.reader(actor, 'volume_extension:quotas:show');
  if (!cinderPolicy.owns(actor, projectId)) throw cinderErrors.policy('volume_extension:quotas:show');
}

/** Cinder's os-quota-sets: limits (and usage with ?usage=True) per project. */
@Controller(v3Paths('os-quota-sets'))
export class QuotaSetsController {
  constructor(private readonly quotas: QuotasService) {}

  @Get(':target/defaults')
  async defaults(@CallerOf() caller: Caller, @Param('target') target: string) {
    cinderPolicy.reader(caller, 'volume_extension:quotas:show');
    return { quota_set: { id: target, ...(await this.quotas.classLimits('default')) } };
  }

  @Get(':target')
  async show(
    @CallerOf() caller: Caller,
    @Param('target') target: string,
    @RawQuery() query: URLSearchParams,
  ) {
    requireOwnOrAdmin(caller, target);
    const usageText = query.get('usage');
    const usage = usageText !== null && parseValue(cinderBoolean, usageText, 'usage');
    if (usage) return { quota_set: { id: target, ...(await this.quotas.detail(target)) } };
    return { quota_set: { id: target, ...(await this.quotas.limits(target)) } };
  }

  @Put(':target')
  async update(@CallerOf() caller: Caller, @Param('target') target: string, @Body() body: unknown) {
    cinderPolicy.admin(caller, 'volume_extension:quotas:update');
    return { quota_set: await this.quotas.update(target, parseQuotaSet('quota_set', body)) };
  }

  @Delete(':target')
  async reset(@CallerOf() caller: Caller, @Param('target') target: string): Promise<void> {
    cinderPolicy.admin(caller, 'volume_extension:quotas:delete');
    await this.quotas.reset(target);
  }
}

/** Cinder's os-quota-class-sets: the `default` class sets every project's defaults. */
@Controller(v3Paths('os-quota-class-sets'))
export class QuotaClassSetsController {
  constructor(private readonly quotas: QuotasService) {}

  @Get(':className')
  async show(@CallerOf() caller: Caller, @Param('className') className: string) {
    cinderPolicy.admin(caller, 'volume_extension:quota_classes');
    return { quota_class_set: { id: className, ...(await this.quotas.classLimits(className)) } };
  }

  @Put(':className')
  async update(@CallerOf() caller: Caller, @Param('className') className: string, @Body() body: unknown) {
    cinderPolicy.admin(caller, 'volume_extension:quota_classes');
    return {
      quota_class_set: await this.quotas.updateClass(className, parseQuotaSet('quota_class_set', body)),
    };
  }
}

/** Absolute limits and usage of the caller's project (another project's for admins from 3.39). */
@Controller(v3Paths('limits'))
export class LimitsController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  async limits(@CallerOf() caller: Caller, @RawQuery() query: URLSearchParams) {
    cinderPolicy.reader(caller, 'limits_extension:used_limits');
    const asked = query.get('project_id');
    const projectId =
      asked !== null && caller.isAdmin && caller.version.atLeast('3.39')
        ? asked
        : cinderPolicy.project(caller, 'limits');
    const detail = await this.quotas.detail(projectId);
    const limit = (name: string) => detail[name]?.limit ?? -1;
    const used = (name: string) => detail[name]?.in_use ?? 0;
    return {
      limits: {
        rate: [],
        absolute: {
          maxTotalVolumes: limit('volumes'),
          maxTotalSnapshots: limit('snapshots'),
          maxTotalVolumeGigabytes: limit('gigabytes'),
          maxTotalBackups: limit('backups'),
          maxTotalBackupGigabytes: limit('backup_gigabytes'),
          totalVolumesUsed: used('volumes'),
          totalSnapshotsUsed: used('snapshots'),
          totalGigabytesUsed: used('gigabytes'),
          totalBackupsUsed: used('backups'),
          totalBackupGigabytesUsed: used('backup_gigabytes'),
        },
      },
    };
  }
}
