import { isTransientConflict, isUniqueViolation } from '@stratus/platform';
import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Row locks for MySQL/MariaDB (SELECT ... FOR UPDATE or LOCK IN SHARE MODE); SQLite serialises
 * writing transactions on its own and has none.
 */
export function locked<T extends ObjectLiteral>(
  manager: EntityManager,
  query: SelectQueryBuilder<T>,
  mode: 'pessimistic_read' | 'pessimistic_write',
): SelectQueryBuilder<T> {
  return manager.connection.options.type === 'better-sqlite3' ? query : query.setLock(mode);
}

/** Thrown inside a write transaction to run it again from the start. */
export class RetryableWrite extends Error {}

/**
 * A write transaction, run again when the database gave it up (deadlock, lock wait) or when a
 * concurrent write of the same name won a race (the next attempt sees that row).
 */
export async function writeTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  attempts = 10,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      const retry = isTransientConflict(error) || isUniqueViolation(error) || error instanceof RetryableWrite;
      if (attempt >= attempts || !retry) throw error;
      // A little jitter, so the transactions that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
