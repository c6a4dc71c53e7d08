import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ServerGroupPolicy } from '@stratus/contracts';
import { notFound } from '@stratus/platform';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { QuotasService } from '../quotas/quotas.service';
import { InstanceEntity } from '../servers/instance.entity';
import { ServerGroupEntity } from './server-group.entity';

export interface ServerGroupWithMembers {
  group: ServerGroupEntity;
  members: string[];
}

@Injectable()
export class ServerGroupsService {
  constructor(
    @InjectRepository(ServerGroupEntity) private readonly groups: Repository<ServerGroupEntity>,
    @InjectRepository(InstanceEntity) private readonly instances: Repository<InstanceEntity>,
    private readonly quotas: QuotasService,
  ) {}

  async list(projectId: string | null): Promise<ServerGroupWithMembers[]> {
    const groups = await this.groups.find({
      where: projectId ? { projectId } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const members = await this.membersOf(groups.map((g) => g.id));
    return groups.map((group) => ({ group, members: members.get(group.id) ?? [] }));
  }

  /** A group the caller may see; any other is "not found", never "forbidden". */
  async get(id: string, projectId: string | null): Promise<ServerGroupWithMembers> {
    const group = await this.groups.findOneBy({ id });
    if (!group || (projectId && group.projectId !== projectId)) {
      throw notFound(`Instance group ${id} could not be found.`, 'InstanceGroupNotFound');
    }
    return { group, members: (await this.membersOf([id])).get(id) ?? [] };
  }

  async create(input: {
    projectId: string;
    userId: string;
    name: string;
    policy: ServerGroupPolicy;
    rules: Record<string, number>;
  }): Promise<ServerGroupWithMembers> {
    await this.quotas.checkServerGroups(input.projectId);
    const group = await this.groups.save(
      this.groups.create({ ...input, id: randomUUID(), createdAt: new Date() }),
    );
    return { group, members: [] };
  }

  async delete(id: string, projectId: string | null): Promise<void> {
    await this.get(id, projectId);
    await this.groups.delete({ id });
  }

  private async membersOf(groupIds: string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>();
    if (groupIds.length === 0) return members;
    const rows = await this.instances.find({
      where: { serverGroupId: In(groupIds), deleted: false },
      select: { uuid: true, serverGroupId: true, id: true },
      order: { id: 'ASC' },
    });
    for (const row of rows)
      members.set(row.serverGroupId!, [...(members.get(row.serverGroupId!) ?? []), row.uuid]);
    return members;
  }
}
