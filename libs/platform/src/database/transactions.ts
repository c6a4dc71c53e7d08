import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { isTransientConflict } from './db-errors';

/**
 * Reads a row and locks it until the transaction ends (SELECT ... FOR UPDATE), so a read-modify-write
 * is safe against other replicas. SQLite serialises writers on its own and has no row locks.
 */
export async function findForUpdate<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
): Promise<T | null> {
  const qb = manager.createQueryBuilder(entity, 'locked').where('locked.id = :id', { id });
  if (manager.connection.options.type !== 'better-sqlite3') qb.setLock('pessimistic_write');
  return qb.getOne();
}

/** Runs `work` again when the database gave up on it because of a deadlock, a few times at most. */
export async function withTransientRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
    }
  }
}

/** Splits long IN lists so a query never carries thousands of parameters. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
