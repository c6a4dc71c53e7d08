import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainError } from '@stratus/platform';
import { ErrorCode } from '@stratus/contracts';
import { Repository } from 'typeorm';
import { KeypairEntity } from '../keypairs/keypair.entity';
import { ServerGroupEntity } from '../server-groups/server-group.entity';
import { InstanceEntity } from '../servers/instance.entity';
import { QuotaEntity } from './quota.entity';
import { DEFAULT_QUOTAS, isQuotaResource, QuotaResource, serversThatFit } from './quota-resources';

export interface ProjectUsage {
  instances: number;
  cores: number;
  ram: number;
  server_groups: number;
}

/** Nova answers every quota refusal with 403 Forbidden. */
export const overQuota = (message: string) => new DomainError(ErrorCode.Forbidden, message, 'OverQuota');

@Injectable()
export class QuotasService {
  constructor(
    @InjectRepository(QuotaEntity) private readonly quotas: Repository<QuotaEntity>,
    @InjectRepository(InstanceEntity) private readonly instances: Repository<InstanceEntity>,
    @InjectRepository(KeypairEntity) private readonly keypairs: Repository<KeypairEntity>,
    @InjectRepository(ServerGroupEntity) private readonly groups: Repository<ServerGroupEntity>,
  ) {}

  defaults(): Record<QuotaResource, number> {
    return { ...DEFAULT_QUOTAS };
  }

  async limits(projectId: string): Promise<Record<QuotaResource, number>> {
    const limits = this.defaults();
    for (const row of await this.quotas.findBy({ projectId })) {
      if (isQuotaResource(row.resource)) limits[row.resource] = row.hardLimit;
    }
    return limits;
  }

  async update(projectId: string, changes: Partial<Record<QuotaResource, number>>): Promise<void> {
    for (const [resource, hardLimit] of Object.entries(changes)) {
      await this.quotas.save({ projectId, resource, hardLimit });
    }
  }

  async reset(projectId: string): Promise<void> {
    await this.quotas.delete({ projectId });
  }

  async usage(projectId: string): Promise<ProjectUsage> {
    const live = await this.instances.find({
      where: { projectId, deleted: false },
      select: { flavor: true, id: true },
    });
    return {
      instances: live.length,
      cores: live.reduce((sum, i) => sum + i.flavor.vcpus, 0),
      ram: live.reduce((sum, i) => sum + i.flavor.memoryMb, 0),
      server_groups: await this.groups.countBy({ projectId }),
    };
  }

  /** In use per resource, as the quota set detail shows it (key pairs count the caller's own). */
  async usageDetail(projectId: string, userId: string): Promise<Record<QuotaResource, number>> {
    const usage = await this.usage(projectId);
    return {
      instances: usage.instances,
      cores: usage.cores,
      ram: usage.ram,
      metadata_items: 0,
      injected_files: 0,
      injected_file_content_bytes: 0,
      injected_file_path_bytes: 0,
      key_pairs: await this.keypairs.countBy({ userId }),
      server_groups: usage.server_groups,
      server_group_members: 0,
    };
  }

  /** How many of min..max servers of the flavor the project may still create; 403 below min. */
  async checkServers(
    projectId: string,
    flavor: { vcpus: number; memoryMb: number },
    min: number,
    max: number,
  ): Promise<number> {
    const [limits, usage] = await Promise.all([this.limits(projectId), this.usage(projectId)]);
    const fit = serversThatFit(limits, usage, flavor, min, max);
    if (fit.over) {
      const { resource, requested, used, allowed } = fit.over;
      throw overQuota(
        `Quota exceeded for ${resource}: Requested ${requested}, but already used ${used} of ${allowed} ${resource}`,
      );
    }
    return fit.count;
  }

  async checkMetadata(projectId: string, items: number): Promise<void> {
    const allowed = (await this.limits(projectId)).metadata_items;
    if (allowed >= 0 && items > allowed)
      throw overQuota(`Maximum number of metadata items exceeds ${allowed}`);
  }

  async checkKeypairs(projectId: string, userId: string): Promise<void> {
    const allowed = (await this.limits(projectId)).key_pairs;
    if (allowed >= 0 && (await this.keypairs.countBy({ userId })) >= allowed) {
      throw overQuota('Quota exceeded, too many key pairs.');
    }
  }

  async checkServerGroups(projectId: string): Promise<void> {
    const allowed = (await this.limits(projectId)).server_groups;
    if (allowed >= 0 && (await this.groups.countBy({ projectId })) >= allowed) {
      throw overQuota('Quota exceeded, too many server groups.');
    }
  }

  async checkGroupMembers(projectId: string, groupId: string, adding: number): Promise<void> {
    const allowed = (await this.limits(projectId)).server_group_members;
    const members = await this.instances.countBy({ serverGroupId: groupId, deleted: false });
    if (allowed >= 0 && members + adding > allowed) {
      throw overQuota('Quota exceeded, too many servers in group');
    }
  }
}
