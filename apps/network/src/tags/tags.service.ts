import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { chunks } from '@stratus/platform';
import { ResourceTagEntity } from '../persistence/network.entities';

/** Tags of every taggable resource (standard-attr-tag), kept sorted as Neutron shows them. */
@Injectable()
export class TagsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string[]>> {
    const byResource = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const batch of chunks([...new Set(ids)])) {
      const rows = await manager.find(ResourceTagEntity, { where: { resourceId: In(batch) } });
      for (const row of rows) byResource.get(row.resourceId)?.push(row.tag);
    }
    for (const tags of byResource.values()) tags.sort();
    return byResource;
  }

  async of(id: string, manager?: EntityManager): Promise<string[]> {
    return (await this.load([id], manager)).get(id) ?? [];
  }

  /** Tags of a resource made in this transaction: nothing to remove first. */
  async initial(manager: EntityManager, id: string, tags: readonly string[]): Promise<string[]> {
    const unique = [...new Set(tags)].sort();
    if (unique.length)
      await manager.insert(
        ResourceTagEntity,
        unique.map((tag) => ({ resourceId: id, tag })),
      );
    return unique;
  }

  async replace(manager: EntityManager, id: string, tags: readonly string[]): Promise<string[]> {
    await manager.delete(ResourceTagEntity, { resourceId: id });
    const unique = [...new Set(tags)].sort();
    if (unique.length)
      await manager.insert(
        ResourceTagEntity,
        unique.map((tag) => ({ resourceId: id, tag })),
      );
    return unique;
  }

  async replaceAll(id: string, tags: readonly string[]): Promise<string[]> {
    return this.dataSource.transaction((manager) => this.replace(manager, id, tags));
  }

  async add(id: string, tag: string): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(ResourceTagEntity)
      .values({ resourceId: id, tag })
      .orIgnore()
      .execute();
  }

  /** Returns whether the tag was there. */
  async remove(id: string, tag: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(ResourceTagEntity, { resourceId: id, tag });
    return (result.affected ?? 0) > 0;
  }

  async removeAll(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ResourceTagEntity, { resourceId: id });
  }
}
