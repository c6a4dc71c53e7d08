import { isUniqueViolation, TransactionOptions } from '@stratus/platform';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

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
 * Object storage's write transactions run again, besides on deadlocks, when a concurrent write of
 * the same name won a race: the next attempt sees that row.
 */
export const WRITE_RETRY: TransactionOptions = {
  attempts: 10,
  retryable: (error) => isUniqueViolation(error) || error instanceof RetryableWrite,
};
