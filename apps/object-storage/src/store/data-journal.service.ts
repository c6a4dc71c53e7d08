import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Database, isTransientConflict } from '@stratus/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { OBJECT_DATA_STORE, OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import type { ObjectDataStore } from './object-data-store';

const INSERT = 'INSERT INTO swift_data_journal (data_key, node, created_at) VALUES (?, ?, ?)';
const DELETE = 'DELETE FROM swift_data_journal WHERE data_key = ?';
const BATCH = 500;
const SWEEP_INTERVAL_MS = 3600_000;

/** Journal statements are idempotent: one InnoDB gave up on (a deadlock with a batch beside it) runs again. */
async function retried(work: () => Promise<unknown>, attempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * Runs what callers add in the same turn of the event loop as one statement: sixteen uploads
 * starting or finishing together cost one round trip to the database, not sixteen.
 */
class Batcher {
  private queue: { key: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly run: (keys: string[]) => Promise<unknown>) {}

  add(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, BATCH);
    this.scheduled = false;
    this.schedule();
    try {
      await retried(() => this.run(batch.map((entry) => entry.key)));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

/**
 * Keeps the data store free of bytes no object names. A new key is journaled before its data
 * lands in place; a key an object stops naming is journaled in the transaction that replaces or
 * deletes the object. Once an object row is committed (or the old data deleted) the entry is
 * settled. At start, each entry this node left is resolved against the objects: a key an object
 * names stays, any other key's data is deleted.
 */
@Injectable()
export class DataJournal implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DataJournal');
  private readonly node: string;
  private readonly settling = new Set<Promise<void>>();
  private readonly staleSeconds: number;
  private timer?: NodeJS.Timeout;
  private readonly reservations = new Batcher((keys) => {
    const now = Date.now() * 1000;
    return this.statement(
      `INSERT INTO swift_data_journal (data_key, node, created_at) VALUES ${keys.map(() => '(?, ?, ?)').join(', ')}`,
      keys.flatMap((key) => [key, this.node, now]),
    );
  });
  private readonly settlements = new Batcher((keys) =>
    this.statement(
      `DELETE FROM swift_data_journal WHERE data_key IN (${keys.map(() => '?').join(', ')})`,
      keys,
    ),
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: Database,
    @Inject(OBJECT_DATA_STORE) private readonly store: ObjectDataStore,
    @Inject(OBJECT_STORAGE_CONFIG) config: ObjectStorageConfig,
  ) {
    this.node = config.OBJECT_STORAGE_NODE_ID;
    this.staleSeconds = config.OBJECT_STORAGE_JOURNAL_STALE_SECONDS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.init();
    await this.settleLeftovers('j.node = ?', [this.node]);
    await this.sweepStale();
    this.timer = setInterval(() => void this.sweepStale().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.settling]);
  }

  /**
   * Entries older than any write can take, whoever left them: a replica that is gone for good
   * (a rescheduled pod has a new name) never settles its own, so any replica settles them.
   */
  sweepStale(): Promise<void> {
    const before = (Date.now() - this.staleSeconds * 1000) * 1000;
    return this.settleLeftovers('j.created_at < ?', [before]);
  }

  /** Resolves entries against the objects: a key an object names stays, any other is deleted. */
  private async settleLeftovers(where: string, parameters: unknown[]): Promise<void> {
    let removed = 0;
    for (;;) {
      const entries: { data_key: string; named: number | string | null }[] = await this.dataSource.query(
        'SELECT j.data_key, (SELECT COUNT(*) FROM swift_object o WHERE o.data_key = j.data_key) AS named ' +
          `FROM swift_data_journal j WHERE ${where} LIMIT 500`,
        parameters,
      );
      if (entries.length === 0) break;
      for (const entry of entries) {
        if (Number(entry.named) === 0) {
          await this.store.delete(entry.data_key);
          removed += 1;
        }
        await this.statement(DELETE, [entry.data_key]);
      }
    }
    if (removed) this.logger.warn(`removed ${removed} unreferenced data file(s) an interrupted write left`);
  }

  /** An autocommit write; on SQLite it waits for the transaction in progress rather than joining it. */
  private statement(sql: string, parameters: unknown[]): Promise<unknown> {
    return this.db.write(() => this.dataSource.query(sql, parameters));
  }

  /** Before new data lands under its key. */
  reserve(dataKey: string): Promise<void> {
    return this.reservations.add(dataKey);
  }

  /** Inside the transaction that makes an object stop naming the key; follow with discard(). */
  async release(manager: EntityManager, dataKey: string): Promise<void> {
    await manager.query(INSERT, [dataKey, this.node, Date.now() * 1000]);
  }

  /**
   * After an object row naming the key committed: the entry is no longer needed. Done in the
   * background (the next start settles it if this process dies first), off the request's path.
   */
  settle(dataKey: string): void {
    const done = this.settlements
      .add(dataKey)
      .catch((error: unknown) =>
        this.logger.error(`journal entry ${dataKey} left for the next start: ${String(error)}`),
      )
      .finally(() => this.settling.delete(done));
    this.settling.add(done);
  }

  /** Deletes a reserved or released key's data, then its journal entry. */
  async discard(dataKey: string): Promise<void> {
    try {
      await this.store.delete(dataKey);
      await this.statement(DELETE, [dataKey]);
    } catch (error) {
      this.logger.error(`data ${dataKey} left for the next start: ${String(error)}`);
    }
  }
}
