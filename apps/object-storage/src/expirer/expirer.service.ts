import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ObjectRecordsService } from '../objects/object-records.service';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';

const BATCH = 500;

/**
 * Swift's object expirer: removes objects whose X-Delete-At has passed. Reads already treat them
 * as gone; this frees their space and their place in listings. Each removal names the version it
 * saw, so an object rewritten meanwhile is left alone, and replicas running it at once agree.
 */
@Injectable()
export class ExpirerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Expirer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    private readonly records: ObjectRecordsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweep(),
      this.config.OBJECT_STORAGE_EXPIRER_INTERVAL_SECONDS * 1000,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over everything expired by now; a pass still running is not started twice. */
  sweep(): Promise<void> {
    this.running ??= this.removeExpired()
      .catch((error: unknown) => this.logger.error(`expiry pass failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async removeExpired(): Promise<void> {
    let removed = 0;
    for (;;) {
      const expired = await this.records.expired(Date.now() / 1000, BATCH);
      for (const row of expired) {
        if (await this.records.remove({ id: row.containerId }, row.name, row.timestamp)) removed += 1;
      }
      if (expired.length < BATCH) break;
    }
    if (removed) this.logger.log(`removed ${removed} expired object(s)`);
  }
}
