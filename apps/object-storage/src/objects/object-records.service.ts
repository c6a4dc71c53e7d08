import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Database, isForeignKeyViolation, isUniqueViolation } from '@stratus/platform';
import { DataSource, EntityManager, In } from 'typeorm';
import { ContainersService } from '../containers/containers.service';
import type { KeyRange } from '../listing/listing-query';
import { nameKey } from '../listing/name-key';
import { RetryableWrite, WRITE_RETRY } from '../persistence/locking';
import { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import { lockClause, OBJECT_COLUMNS, objectFromRow, objectValues } from '../persistence/rows';
import { DataJournal } from '../store/data-journal.service';
import { swiftError } from '../swift/swift-errors';

const INSERT_OBJECT = `INSERT INTO swift_object (${OBJECT_COLUMNS}) VALUES (${OBJECT_COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;
const DELETE_OBJECT = 'DELETE FROM swift_object WHERE container_id = ? AND name_key = ?';

/** What an object row counts for in its container's bytes: a static large object counts its segments. */
export function listedBytes(row: Pick<ObjectEntity, 'size' | 'sloSize'>): number {
  return row.sloSize ?? row.size;
}

/** An object whose X-Delete-At has passed is gone for reads, though the expirer has not removed it yet. */
export function isLive(row: ObjectEntity, nowSeconds = Date.now() / 1000): boolean {
  return row.deleteAt === null || row.deleteAt > nowSeconds;
}

export type ObjectRecord = Omit<ObjectEntity, 'containerId' | 'nameKey'>;

/**
 * Object rows: the database half of every write. A commit names the new data key and releases the
 * one it replaces in one transaction, keeps the container counters, and only then deletes the old
 * data, so a reader always finds complete data under the key it read.
 */
@Injectable()
export class ObjectRecordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: Database,
    private readonly containers: ContainersService,
    private readonly journal: DataJournal,
  ) {}

  async find(containerId: number, name: string): Promise<ObjectEntity | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${OBJECT_COLUMNS} FROM swift_object WHERE container_id = ? AND name_key = ?`,
      [containerId, nameKey(name)],
    );
    return rows.length ? objectFromRow(rows[0]) : null;
  }

  /** The row, locked until the transaction ends (none yet is fine: it holds no gap lock). */
  private async findForUpdate(manager: EntityManager, containerId: number, key: string) {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${OBJECT_COLUMNS} FROM swift_object WHERE container_id = ? AND name_key = ?${lockClause(manager, 'update')}`,
      [containerId, key],
    );
    return rows.length ? objectFromRow(rows[0]) : null;
  }

  async findMany(containerId: number, names: string[]): Promise<Map<string, ObjectEntity>> {
    const found = new Map<string, ObjectEntity>();
    const keys = [...new Set(names.map(nameKey))];
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.dataSource
        .getRepository(ObjectEntity)
        .findBy({ containerId, nameKey: In(keys.slice(i, i + 500)) });
      for (const row of rows) found.set(row.name, row);
    }
    return found;
  }

  list(containerId: number, range: KeyRange): Promise<ObjectEntity[]> {
    const query = this.dataSource
      .getRepository(ObjectEntity)
      .createQueryBuilder('o')
      .where('o.container_id = :containerId', { containerId });
    if (range.gt !== undefined) query.andWhere('o.name_key > :gt', { gt: range.gt });
    if (range.gte !== undefined) query.andWhere('o.name_key >= :gte', { gte: range.gte });
    if (range.lt !== undefined) query.andWhere('o.name_key < :lt', { lt: range.lt });
    return query
      .orderBy('o.name_key', range.descending ? 'DESC' : 'ASC')
      .take(range.limit)
      .getMany();
  }

  /**
   * Makes `record` the object's current version (its data key must be reserved in the journal)
   * and returns the version it replaced. With `ifNoneMatch`, an existing live object fails it (412).
   */
  async commit(
    container: Pick<ContainerEntity, 'id'>,
    record: ObjectRecord,
    options: { ifNoneMatch?: boolean } = {},
  ): Promise<ObjectEntity | null> {
    const row = Object.assign(new ObjectEntity(), record, {
      containerId: container.id,
      nameKey: nameKey(record.name),
    });
    let replaced: ObjectEntity | null;
    try {
      replaced = await this.db.transaction(async (manager) => {
        // Most uploads are new names: try the insert first, and lock the row only if it exists.
        if (await this.tryInsert(manager, row)) {
          await this.containers.addStats(manager, row.containerId, 1, listedBytes(row));
          return null;
        }
        const existing = await this.findForUpdate(manager, row.containerId, row.nameKey);
        // The row went away between the failed insert and the lock: run the transaction again.
        if (!existing) throw new RetryableWrite();
        if (options.ifNoneMatch && isLive(existing)) throw swiftError(412);
        await manager.query(DELETE_OBJECT, [row.containerId, row.nameKey]);
        await manager.query(INSERT_OBJECT, objectValues(row));
        await this.journal.release(manager, existing.dataKey);
        await this.containers.addStats(manager, row.containerId, 0, listedBytes(row) - listedBytes(existing));
        return existing;
      }, WRITE_RETRY);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        this.containers.forget(container.id);
        throw swiftError(404);
      }
      throw error;
    }
    this.journal.settle(row.dataKey);
    if (replaced) await this.journal.discard(replaced.dataKey);
    return replaced;
  }

  /** False when the name is taken (a unique violation is an answer here, not an error). */
  private async tryInsert(manager: EntityManager, row: ObjectEntity): Promise<boolean> {
    try {
      await manager.query(INSERT_OBJECT, objectValues(row));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes the object (only the version with `timestamp`, when given) and returns what was
   * deleted, or null when there was nothing to delete.
   */
  async remove(
    container: Pick<ContainerEntity, 'id'>,
    name: string,
    timestamp?: number,
  ): Promise<ObjectEntity | null> {
    const key = nameKey(name);
    if (!(await this.find(container.id, name))) return null;
    const removed = await this.db.transaction(async (manager) => {
      const existing = await this.findForUpdate(manager, container.id, key);
      if (!existing || (timestamp !== undefined && existing.timestamp !== timestamp)) return null;
      await manager.query(DELETE_OBJECT, [container.id, key]);
      await this.journal.release(manager, existing.dataKey);
      await this.containers.addStats(manager, container.id, -1, -listedBytes(existing));
      return existing;
    }, WRITE_RETRY);
    if (removed) await this.journal.discard(removed.dataKey);
    return removed;
  }

  /** A POST: new metadata on whatever version is current. False when there is none. */
  async update(
    container: ContainerEntity,
    name: string,
    changes: Pick<ObjectEntity, 'metadata' | 'headers' | 'contentType' | 'deleteAt' | 'timestamp'>,
  ): Promise<boolean> {
    const result = await this.db.write(() =>
      this.dataSource
        .getRepository(ObjectEntity)
        .update({ containerId: container.id, nameKey: nameKey(name) }, changes),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Objects whose X-Delete-At has passed, oldest first. */
  expired(nowSeconds: number, limit: number): Promise<ObjectEntity[]> {
    return this.dataSource
      .getRepository(ObjectEntity)
      .createQueryBuilder('o')
      .where('o.delete_at <= :now', { now: Math.floor(nowSeconds) })
      .orderBy('o.delete_at', 'ASC')
      .take(limit)
      .getMany();
  }
}
