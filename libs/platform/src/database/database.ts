import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { isTransientConflict } from './db-errors';

export interface TransactionOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Errors besides deadlocks and lock waits after which the whole transaction runs again. */
  retryable?: (error: unknown) => boolean;
}

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

  transaction<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.withRetry(() => this.write(() => this.dataSource.transaction(work)), options);
  }

  /**
   * A write outside any transaction (an autocommit statement). On SQLite it waits for the
   * transaction in progress, which would otherwise take it in and could roll it back.
   */
  write<T>(work: () => Promise<T>): Promise<T> {
    if (!this.isSqlite) return work();
    const run = this.queue.then(work);
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

  private async withRetry<T>(work: () => Promise<T>, options: TransactionOptions): Promise<T> {
    const attempts = options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const retry = isTransientConflict(error) || (options.retryable?.(error) ?? false);
        if (attempt >= attempts || !retry) throw error;
        // A little jitter, so transactions that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }
}
