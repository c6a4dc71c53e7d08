import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Database } from '@stratus/platform';
import { In, LessThan } from 'typeorm';
import type { VolumeDriver } from '../backend/volume-driver';
import { BackupManager } from '../backups/backup-manager';
import { BLOCK_STORAGE_CONFIG, VOLUME_DRIVER } from '../block-storage.tokens';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { ServiceEntity } from '../persistence/block-storage.entities';
import { AbandonedWork, VolumeManager } from '../volumes/volume-manager';

export const SCHEDULER_BINARY = 'cinder-scheduler';
export const VOLUME_BINARY = 'cinder-volume';

/** Heartbeats per down time: Cinder's report_interval (10 s) against its service_down_time (60 s). */
const BEATS_PER_DOWN_TIME = 6;
/**
 * How long the record of a service that is down stays listed. Host names are pod names on
 * Kubernetes, so every replaced pod would otherwise stay in the list for good.
 */
const DOWN_SERVICE_KEPT_MS = 86_400_000;

export interface ServiceState {
  host: string;
  binary: string;
  availabilityZone: string;
  updatedAt: Date;
  up: boolean;
}

/**
 * Cinder's service heartbeats and its clean-up of services that are down, for replicas sharing a
 * database and a volume folder. Each process records its scheduler and volume service and renews
 * their `updated_at` regularly; one whose heartbeat is older than BLOCK_STORAGE_SERVICE_DOWN_SECONDS
 * is down, and every other process settles the operations it left in flight (as the dead process
 * would have at its next start) and drops its unfinished files. A live process's work is never
 * touched, whatever its age.
 */
@Injectable()
export class ServiceLiveness implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ServiceLiveness');
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly volumes: VolumeManager,
    private readonly backups: BackupManager,
    @Inject(VOLUME_DRIVER) private readonly driver: VolumeDriver,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private get downMs(): number {
    return this.config.BLOCK_STORAGE_SERVICE_DOWN_SECONDS * 1000;
  }

  private get own(): { host: string; binary: string }[] {
    return [
      { host: this.config.BLOCK_STORAGE_HOST, binary: SCHEDULER_BINARY },
      { host: this.volumes.serviceHost, binary: VOLUME_BINARY },
    ];
  }

  /** The process reports itself before it serves, then settles what processes already down left. */
  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    await this.settleAbandoned();
    this.timer = setInterval(() => this.beat(), this.downMs / BEATS_PER_DOWN_TIME);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  private beat(): void {
    if (this.beating) return;
    const steps: [string, () => Promise<void>][] = [
      ['heartbeat', () => this.heartbeat()],
      ['settling the work of services that are down', () => this.settleAbandoned()],
    ];
    this.beating = (async () => {
      for (const [name, step] of steps) {
        await step().catch((error: unknown) => this.logger.warn(`${name} failed: ${String(error)}`));
      }
    })().finally(() => (this.beating = undefined));
  }

  private async register(): Promise<void> {
    const now = currentTime();
    const zone = this.config.BLOCK_STORAGE_AVAILABILITY_ZONE;
    await this.db.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ServiceEntity)
        .values(this.own.map((s) => ({ ...s, availabilityZone: zone, createdAt: now, updatedAt: now })))
        .orIgnore()
        .execute();
      for (const service of this.own) {
        await manager.update(ServiceEntity, service, { availabilityZone: zone, updatedAt: now });
      }
    });
  }

  private async heartbeat(): Promise<void> {
    const updated = await this.db.transaction((manager) =>
      manager.update(ServiceEntity, { host: In(this.own.map((s) => s.host)) }, { updatedAt: currentTime() }),
    );
    // A process silent for a day lost its records; it is back, so it reports itself again.
    if ((updated.affected ?? 0) < this.own.length) await this.register();
  }

  /** Every recorded service, up or down, in the order they first reported. */
  async list(): Promise<ServiceState[]> {
    const cutoff = Date.now() - this.downMs;
    const services = await this.db.manager.find(ServiceEntity, {
      order: { createdAt: 'ASC', binary: 'ASC', host: 'ASC' },
    });
    return services.map((s) => ({ ...s, up: s.updatedAt.getTime() >= cutoff }));
  }

  /**
   * Settles the work of volume services that are down, drops their unfinished files and forgets
   * services down for a day. A resource whose host has no record at all (left by a process that
   * never reported, or forgotten) counts as abandoned once it has not changed for the down time.
   */
  private async settleAbandoned(): Promise<void> {
    const now = Date.now();
    const cutoff = now - this.downMs;
    const services = await this.db.manager.find(ServiceEntity);
    const volumeBeats = new Map(
      services.filter((s) => s.binary === VOLUME_BINARY).map((s) => [s.host, s.updatedAt.getTime()]),
    );
    const abandoned: AbandonedWork = (resource) => {
      const service = resource.host.split('#')[0];
      if (service === this.volumes.serviceHost) return false;
      return (volumeBeats.get(service) ?? resource.updatedAt.getTime()) < cutoff;
    };
    await this.volumes.settleAbandoned(abandoned);
    await this.backups.settleAbandoned(abandoned);

    const down = services.filter((s) => s.binary === SCHEDULER_BINARY && s.updatedAt.getTime() < cutoff);
    for (const service of down) await this.driver.discardLeftovers(service.host);
    await this.db.transaction((manager) =>
      manager.delete(ServiceEntity, {
        updatedAt: LessThan(new Date(now - Math.max(DOWN_SERVICE_KEPT_MS, this.downMs))),
      }),
    );
  }
}
