import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Database, isForeignKeyViolation } from '@stratus/platform';
import { DataSource, EntityManager, In } from 'typeorm';
import type { KeyRange } from '../listing/listing-query';
import { nameKey } from '../listing/name-key';
import { locked, WRITE_RETRY } from '../persistence/locking';
import { CONTAINER_COLUMNS, containerFromRow } from '../persistence/rows';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import { AccountEntity, ContainerEntity, ContainerStatEntity } from '../persistence/object-storage.entities';
import { parseMetadata } from '../swift/metadata';
import { swiftError } from '../swift/swift-errors';
import { nextTimestamp } from '../swift/timestamps';

/** How many rows a container's counters are spread over. */
const STAT_SHARDS = 8;
/** Enough containers for the busy ones; the cache starts over beyond it. */
const CACHE_ENTRIES = 10_000;

export interface ContainerStats {
  objectCount: number;
  bytesUsed: number;
}

export type ContainerFields = Pick<
  ContainerEntity,
  'metadata' | 'readAcl' | 'writeAcl' | 'versionsLocation' | 'versionsMode'
>;

export interface ListedContainer extends ContainerStats {
  name: string;
  createdAt: number;
}

/** Containers of an account: rows, counters and listings. */
@Injectable()
export class ContainersService {
  /**
   * Every object request needs its container (ACLs, id, quotas), so rows are kept for a few
   * seconds, as Swift's proxies keep container info in memcache. Changes made here drop the
   * entry at once; another replica's changes show within the TTL.
   */
  private readonly cache = new Map<string, { container: ContainerEntity; until: number }>();
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: Database,
    @Inject(OBJECT_STORAGE_CONFIG) config: ObjectStorageConfig,
  ) {
    this.ttlMs = config.OBJECT_STORAGE_CONTAINER_CACHE_SECONDS * 1000;
  }

  async find(account: string, name: string): Promise<ContainerEntity | null> {
    const key = `${account}/${name}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.container;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${CONTAINER_COLUMNS} FROM swift_container WHERE account = ? AND name_key = ?`,
      [account, nameKey(name)],
    );
    if (rows.length === 0) {
      this.cache.delete(key);
      return null;
    }
    const container = containerFromRow(rows[0]);
    if (this.ttlMs > 0) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(key, { container, until: Date.now() + this.ttlMs });
    }
    return container;
  }

  /** Drops a container from the cache (it changed, or turned out to be gone). */
  forget(containerId: number): void {
    for (const [key, entry] of this.cache) if (entry.container.id === containerId) this.cache.delete(key);
  }

  async stats(containerId: number): Promise<ContainerStats> {
    return (await this.statsOf([containerId])).get(containerId) ?? { objectCount: 0, bytesUsed: 0 };
  }

  async statsOf(containerIds: number[]): Promise<Map<number, ContainerStats>> {
    const result = new Map<number, ContainerStats>();
    if (containerIds.length === 0) return result;
    const rows = await this.dataSource
      .getRepository(ContainerStatEntity)
      .createQueryBuilder('s')
      .select('s.container_id', 'id')
      .addSelect('SUM(s.object_count)', 'objects')
      .addSelect('SUM(s.bytes_used)', 'bytes')
      .where({ containerId: In(containerIds) })
      .groupBy('s.container_id')
      .getRawMany<{ id: number | string; objects: number | string; bytes: number | string }>();
    for (const row of rows) {
      result.set(Number(row.id), { objectCount: Number(row.objects), bytesUsed: Number(row.bytes) });
    }
    return result;
  }

  /** Creates the container (and its account), or updates it with the PUT's settings if it exists. */
  async put(
    account: string,
    name: string,
    fields: (existing: ContainerEntity | null) => ContainerFields,
  ): Promise<{ created: boolean; container: ContainerEntity }> {
    this.cache.delete(`${account}/${name}`);
    return this.db.transaction(async (manager) => {
      const now = nextTimestamp();
      await this.ensureAccount(manager, account, now);
      const existing = await locked(
        manager,
        manager
          .getRepository(ContainerEntity)
          .createQueryBuilder('c')
          .where({ account, nameKey: nameKey(name) }),
        'pessimistic_write',
      ).getOne();
      if (existing) {
        Object.assign(existing, fields(existing), { updatedAt: now });
        await manager.save(existing);
        return { created: false, container: existing };
      }
      const container = manager.create(ContainerEntity, {
        account,
        name,
        nameKey: nameKey(name),
        ...fields(null),
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(ContainerEntity, container);
      await manager.insert(
        ContainerStatEntity,
        Array.from({ length: STAT_SHARDS }, (_, shard) => ({
          containerId: container.id,
          shard,
          objectCount: 0,
          bytesUsed: 0,
        })),
      );
      return { created: true, container };
    }, WRITE_RETRY);
  }

  /** Applies a POST's changes to the container as it is now (not as the caller last read it). */
  async update(container: ContainerEntity, change: (current: ContainerEntity) => Partial<ContainerFields>) {
    this.forget(container.id);
    return this.db.transaction(async (manager) => {
      const current = await locked(
        manager,
        manager.getRepository(ContainerEntity).createQueryBuilder('c').where({ id: container.id }),
        'pessimistic_write',
      ).getOne();
      if (!current) throw swiftError(404);
      Object.assign(current, change(current), { updatedAt: nextTimestamp() });
      await manager.save(current);
      return current;
    }, WRITE_RETRY);
  }

  /**
   * Deletes an empty container; 409 while it holds objects. The objects' foreign key decides, so
   * an upload racing the delete either lands first (and the delete fails) or fails with 404.
   */
  async delete(container: ContainerEntity): Promise<void> {
    this.forget(container.id);
    try {
      const result = await this.db.write(() =>
        this.dataSource.getRepository(ContainerEntity).delete({ id: container.id }),
      );
      if (!result.affected) throw swiftError(404);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw swiftError(409);
      throw error;
    }
  }

  /**
   * Container quotas (X-Container-Meta-Quota-Bytes and -Count, checked as Swift's container_quotas
   * does): 413 when one more object of `addedBytes` would pass them. Returns the bytes left.
   */
  async checkQuota(container: ContainerEntity, addedBytes: number): Promise<number> {
    const metadata = parseMetadata(container.metadata);
    const quota = (key: string) => (/^\d+$/.test(metadata[key] ?? '') ? Number(metadata[key]) : undefined);
    const [bytes, count] = [quota('quota-bytes'), quota('quota-count')];
    if (bytes === undefined && count === undefined) return Number.MAX_SAFE_INTEGER;
    const stats = await this.stats(container.id);
    const over =
      (bytes !== undefined && stats.bytesUsed + addedBytes > bytes) ||
      (count !== undefined && stats.objectCount + 1 > count);
    if (over) throw swiftError(413, 'Upload exceeds quota.');
    return bytes === undefined ? Number.MAX_SAFE_INTEGER : bytes - stats.bytesUsed;
  }

  /** Adds to the counters through one shard row picked at random. */
  async addStats(manager: EntityManager, containerId: number, objects: number, bytes: number): Promise<void> {
    if (objects === 0 && bytes === 0) return;
    await manager.query(
      'UPDATE swift_container_stat SET object_count = object_count + ?, bytes_used = bytes_used + ? ' +
        'WHERE container_id = ? AND shard = ?',
      [objects, bytes, containerId, Math.floor(Math.random() * STAT_SHARDS)],
    );
  }

  async list(account: string, range: KeyRange): Promise<ListedContainer[]> {
    const query = this.dataSource
      .getRepository(ContainerEntity)
      .createQueryBuilder('c')
      .where('c.account = :account', { account });
    if (range.gt !== undefined) query.andWhere('c.name_key > :gt', { gt: range.gt });
    if (range.gte !== undefined) query.andWhere('c.name_key >= :gte', { gte: range.gte });
    if (range.lt !== undefined) query.andWhere('c.name_key < :lt', { lt: range.lt });
    const rows = await query
      .orderBy('c.name_key', range.descending ? 'DESC' : 'ASC')
      .take(range.limit)
      .getMany();
    const stats = await this.statsOf(rows.map((r) => r.id));
    return rows.map((row) => ({
      name: row.name,
      createdAt: row.createdAt,
      ...(stats.get(row.id) ?? { objectCount: 0, bytesUsed: 0 }),
    }));
  }

  async accountStats(account: string): Promise<ContainerStats & { containerCount: number }> {
    const containerCount = await this.dataSource.getRepository(ContainerEntity).countBy({ account });
    const totals = await this.dataSource
      .getRepository(ContainerStatEntity)
      .createQueryBuilder('s')
      .innerJoin(ContainerEntity, 'c', 'c.id = s.container_id')
      .select('COALESCE(SUM(s.object_count), 0)', 'objects')
      .addSelect('COALESCE(SUM(s.bytes_used), 0)', 'bytes')
      .where('c.account = :account', { account })
      .getRawOne<{ objects: number | string; bytes: number | string }>();
    return {
      containerCount,
      objectCount: Number(totals?.objects ?? 0),
      bytesUsed: Number(totals?.bytes ?? 0),
    };
  }

  /** The account row exists once anything is stored under it (Swift's account_autocreate). */
  async ensureAccount(manager: EntityManager, account: string, now: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(AccountEntity)
      .values({ name: account, metadata: '{}', createdAt: now, updatedAt: now })
      .orIgnore()
      .execute();
  }
}
