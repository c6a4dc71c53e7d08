import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isTransientConflict } from '@stratus/platform';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Transactions that hold on MySQL with several replicas and on the embedded SQLite alike. SQLite
 * has a single connection on which TypeORM would nest concurrent transactions as savepoints of one
 * another, so there every write transaction waits its turn; MySQL ones are retried on deadlock.
 */
@Injectable()
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  readonly isSqlite: boolean;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.isSqlite = dataSource.options.type === 'better-sqlite3';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.isSqlite) return this.withRetry(() => this.dataSource.transaction(work));
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads a row and locks it until the transaction ends (SQLite's queued transactions need no lock). */
  async findForUpdate<T extends ObjectLiteral>(
    manager: EntityManager,
    entity: EntityTarget<T>,
    id: string,
  ): Promise<T | null> {
    const qb = manager.createQueryBuilder(entity, 'locked').where('locked.id = :id', { id });
    if (!this.isSqlite) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  private async withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= attempts || !isTransientConflict(error)) throw error;
      }
    }
  }
}
