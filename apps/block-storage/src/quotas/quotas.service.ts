import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database } from '@stratus/platform';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { cinderErrors } from '../common/cinder-errors';
import type { BlockStorageConfig } from '../config/block-storage-config';
import {
  QuotaClassEntity,
  QuotaEntity,
  QuotaLockEntity,
  VolumeTypeEntity,
} from '../persistence/block-storage.entities';

/** The resources every project has a limit for; per-type ones (volumes_<type>, ...) come on top. */
export const BASE_RESOURCES = [
  'volumes',
  'snapshots',
  'gigabytes',
  'backups',
  'backup_gigabytes',
  'groups',
  'per_volume_gigabytes',
] as const;

const PER_TYPE = ['volumes', 'gigabytes', 'snapshots'] as const;

export type QuotaSet = Record<string, number>;
export interface Usage {
  in_use: number;
  limit: number;
  reserved: number;
  allocated: number;
}

/** What a new volume or snapshot (or an extend) adds to a project's usage. */
export interface QuotaDelta {
  volumes?: number;
  snapshots?: number;
  gigabytes: number;
  /** The type whose per-type limits apply. */
  typeName: string;
  typeId: string;
  /** For per_volume_gigabytes: the size the volume will have. */
  volumeSize?: number;
  /** Only the type's own limits apply (a retype moves usage between types, not in total). */
  perTypeOnly?: boolean;
}

/**
 * Cinder's quotas: limits per project (else the `default` quota class, else the configured
 * defaults) for volumes, gigabytes (volumes and snapshots), snapshots, and the same per volume
 * type, and for backups and their gigabytes; usage is counted from the rows. A creating transaction locks the project's row in
 * quota_lock before counting, so concurrent requests, on any replica, never exceed a limit.
 */
@Injectable()
export class QuotasService {
  constructor(
    private readonly db: Database,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private configuredDefaults(): QuotaSet {
    const c = this.config;
    return {
      volumes: c.BLOCK_STORAGE_QUOTA_VOLUMES,
      snapshots: c.BLOCK_STORAGE_QUOTA_SNAPSHOTS,
      gigabytes: c.BLOCK_STORAGE_QUOTA_GIGABYTES,
      backups: c.BLOCK_STORAGE_QUOTA_BACKUPS,
      backup_gigabytes: c.BLOCK_STORAGE_QUOTA_BACKUP_GIGABYTES,
      groups: c.BLOCK_STORAGE_QUOTA_GROUPS,
      per_volume_gigabytes: c.BLOCK_STORAGE_QUOTA_PER_VOLUME_GIGABYTES,
    };
  }

  /** Every resource name: the base ones and volumes_/gigabytes_/snapshots_<type> for each type. */
  async resourceNames(manager: EntityManager = this.db.manager): Promise<string[]> {
    const types = await manager.find(VolumeTypeEntity, { order: { name: 'ASC' } });
    return [...BASE_RESOURCES, ...types.flatMap((t) => PER_TYPE.map((r) => `${r}_${t.name}`))];
  }

  /** The `default` class's limits (Cinder's quota class sets), over the configured defaults. */
  async classLimits(className: string, manager: EntityManager = this.db.manager): Promise<QuotaSet> {
    const names = await this.resourceNames(manager);
    const configured = this.configuredDefaults();
    const limits: QuotaSet = Object.fromEntries(names.map((n) => [n, configured[n] ?? -1]));
    const rows = await manager.findBy(QuotaClassEntity, { className: 'default' });
    const own = className === 'default' ? [] : await manager.findBy(QuotaClassEntity, { className });
    for (const row of [...rows, ...own]) if (row.resource in limits) limits[row.resource] = row.hardLimit;
    return limits;
  }

  async limits(projectId: string, manager: EntityManager = this.db.manager): Promise<QuotaSet> {
    const limits = await this.classLimits('default', manager);
    const rows = await manager.findBy(QuotaEntity, { projectId });
    for (const row of rows) if (row.resource in limits) limits[row.resource] = row.hardLimit;
    return limits;
  }

  async usage(projectId: string, manager: EntityManager = this.db.manager): Promise<QuotaSet> {
    const [volumes, snapshots] = await Promise.all([
      manager.query(
        `SELECT t.name AS type, COUNT(*) AS count, COALESCE(SUM(v.size), 0) AS size
           FROM volume v JOIN volume_type t ON t.id = v.volume_type_id
          WHERE v.project_id = ? GROUP BY t.name`,
        [projectId],
      ) as Promise<{ type: string; count: string | number; size: string | number }[]>,
      manager.query(
        `SELECT t.name AS type, COUNT(*) AS count, COALESCE(SUM(s.size), 0) AS size
           FROM snapshot s JOIN volume_type t ON t.id = s.volume_type_id
          WHERE s.project_id = ? GROUP BY t.name`,
        [projectId],
      ) as Promise<{ type: string; count: string | number; size: string | number }[]>,
    ]);
    const used: QuotaSet = Object.fromEntries((await this.resourceNames(manager)).map((n) => [n, 0]));
    const add = (name: string, amount: number) => (used[name] = (used[name] ?? 0) + amount);
    for (const row of volumes) {
      add('volumes', Number(row.count));
      add('gigabytes', Number(row.size));
      add(`volumes_${row.type}`, Number(row.count));
      add(`gigabytes_${row.type}`, Number(row.size));
    }
    for (const row of snapshots) {
      add('snapshots', Number(row.count));
      add('gigabytes', Number(row.size));
      add(`snapshots_${row.type}`, Number(row.count));
      add(`gigabytes_${row.type}`, Number(row.size));
    }
    const [backups] = (await manager.query(
      'SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS size FROM backup WHERE project_id = ?',
      [projectId],
    )) as { count: string | number; size: string | number }[];
    used.backups = Number(backups.count);
    used.backup_gigabytes = Number(backups.size);
    used.per_volume_gigabytes = 0;
    return used;
  }

  /**
   * Locks the project's quota row for the rest of the transaction, then refuses the delta when any
   * limit would be exceeded (413, Cinder's messages). Call inside the transaction that inserts.
   */
  async reserve(manager: EntityManager, projectId: string, delta: QuotaDelta): Promise<void> {
    await this.lockProject(manager, projectId);
    const names = (base: string) =>
      delta.perTypeOnly ? [`${base}_${delta.typeName}`] : [base, `${base}_${delta.typeName}`];
    const wanted = [
      ...names('volumes'),
      ...names('snapshots'),
      ...names('gigabytes'),
      'per_volume_gigabytes',
    ];
    const limits = await this.someLimits(manager, projectId, wanted);
    const perVolume = limits.per_volume_gigabytes;
    if (delta.volumeSize !== undefined && perVolume >= 0 && delta.volumeSize > perVolume) {
      throw cinderErrors.perVolumeSizeExceeded(delta.volumeSize, perVolume);
    }
    const used = await this.typeUsage(manager, projectId, delta);
    const over = (name: string, adding: number) => {
      const limit = limits[name] ?? -1;
      return adding > 0 && limit >= 0 && (used[name] ?? 0) + adding > limit;
    };
    for (const name of names('volumes')) {
      if (over(name, delta.volumes ?? 0)) throw cinderErrors.volumeLimitExceeded(limits[name], name);
    }
    for (const name of names('snapshots')) {
      if (over(name, delta.snapshots ?? 0)) throw cinderErrors.snapshotLimitExceeded(limits[name]);
    }
    for (const name of names('gigabytes')) {
      if (over(name, delta.gigabytes)) {
        throw cinderErrors.gigabytesExceeded(name, delta.gigabytes, limits[name], used[name] ?? 0);
      }
    }
  }

  /** As reserve, for one more backup of `gigabytes` (the backups and backup_gigabytes limits). */
  async reserveBackup(manager: EntityManager, projectId: string, gigabytes: number): Promise<void> {
    await this.lockProject(manager, projectId);
    const limits = await this.someLimits(manager, projectId, ['backups', 'backup_gigabytes']);
    const [row] = (await manager.query(
      'SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS size FROM backup WHERE project_id = ?',
      [projectId],
    )) as { count: string | number; size: string | number }[];
    const count = Number(row.count);
    const size = Number(row.size);
    if (limits.backups >= 0 && count + 1 > limits.backups) {
      throw cinderErrors.backupLimitExceeded(limits.backups);
    }
    if (limits.backup_gigabytes >= 0 && size + gigabytes > limits.backup_gigabytes) {
      throw cinderErrors.backupGigabytesExceeded(gigabytes, limits.backup_gigabytes, size);
    }
  }

  /** The limits of a few resources, in two queries (this runs in every creating transaction). */
  private async someLimits(manager: EntityManager, projectId: string, names: string[]): Promise<QuotaSet> {
    const configured = this.configuredDefaults();
    const limits: QuotaSet = Object.fromEntries(names.map((n) => [n, configured[n] ?? -1]));
    const [classRows, projectRows] = await Promise.all([
      manager.findBy(QuotaClassEntity, { className: 'default', resource: In(names) }),
      manager.findBy(QuotaEntity, { projectId, resource: In(names) }),
    ]);
    for (const row of [...classRows, ...projectRows]) limits[row.resource] = row.hardLimit;
    return limits;
  }

  /** The project's usage in total and for the delta's type, in one query. */
  private async typeUsage(manager: EntityManager, projectId: string, delta: QuotaDelta): Promise<QuotaSet> {
    const sum = (table: string, typed: boolean, what: string) =>
      `(SELECT ${what} FROM ${table} WHERE project_id = ?${typed ? ' AND volume_type_id = ?' : ''})`;
    const columns: [string, string][] = [
      ['volumes', sum('volume', false, 'COUNT(*)')],
      ['volumeGb', sum('volume', false, 'COALESCE(SUM(size), 0)')],
      ['typeVolumes', sum('volume', true, 'COUNT(*)')],
      ['typeVolumeGb', sum('volume', true, 'COALESCE(SUM(size), 0)')],
      ['snapshots', sum('snapshot', false, 'COUNT(*)')],
      ['snapshotGb', sum('snapshot', false, 'COALESCE(SUM(size), 0)')],
      ['typeSnapshots', sum('snapshot', true, 'COUNT(*)')],
      ['typeSnapshotGb', sum('snapshot', true, 'COALESCE(SUM(size), 0)')],
    ];
    const params = columns.flatMap(([name]) =>
      name.startsWith('type') ? [projectId, delta.typeId] : [projectId],
    );
    const [row] = (await manager.query(
      `SELECT ${columns.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}`,
      params,
    )) as Record<string, string | number>[];
    const n = (name: string) => Number(row[name]);
    const t = delta.typeName;
    return {
      volumes: n('volumes'),
      snapshots: n('snapshots'),
      gigabytes: n('volumeGb') + n('snapshotGb'),
      [`volumes_${t}`]: n('typeVolumes'),
      [`snapshots_${t}`]: n('typeSnapshots'),
      [`gigabytes_${t}`]: n('typeVolumeGb') + n('typeSnapshotGb'),
    };
  }

  /**
   * Takes the project's row lock. The row is created on first use only: an INSERT of an existing
   * key takes a shared lock that every waiting transaction then tries to upgrade, which InnoDB
   * settles by killing all but one of them.
   */
  private async lockProject(manager: EntityManager, projectId: string): Promise<void> {
    const lock = () => {
      const qb = manager
        .createQueryBuilder(QuotaLockEntity, 'q')
        .where('q.project_id = :projectId', { projectId });
      if (!this.db.isSqlite) qb.setLock('pessimistic_write');
      return qb.getOne();
    };
    if (await lock()) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(QuotaLockEntity)
      .values({ projectId })
      .orIgnore()
      .execute();
    await lock();
  }

  async detail(projectId: string): Promise<Record<string, Usage>> {
    const [limits, used] = await Promise.all([this.limits(projectId), this.usage(projectId)]);
    return Object.fromEntries(
      Object.entries(limits).map(([name, limit]) => [
        name,
        { limit, in_use: used[name] ?? 0, reserved: 0, allocated: 0 },
      ]),
    );
  }

  /** Sets project limits; a limit below what the project already uses is refused. */
  async update(projectId: string, changes: QuotaSet): Promise<QuotaSet> {
    await this.db.transaction(async (manager) => {
      const names = new Set(await this.resourceNames(manager));
      const unknown = Object.keys(changes).filter((k) => !names.has(k));
      if (unknown.length) throw cinderErrors.invalidInput(`Bad key(s) in quota set: ${unknown.join(', ')}`);
      const used = await this.usage(projectId, manager);
      for (const [resource, hardLimit] of Object.entries(changes)) {
        if (resource !== 'per_volume_gigabytes' && hardLimit >= 0 && hardLimit < (used[resource] ?? 0)) {
          throw cinderErrors.invalidQuotaValue(
            `Quota ${resource} limit must be equal or greater than existing resources. Current usage is ${used[resource]} and the requested limit is ${hardLimit}.`,
          );
        }
        await manager.delete(QuotaEntity, { projectId, resource });
        await manager.insert(QuotaEntity, { projectId, resource, hardLimit });
      }
    });
    return this.limits(projectId);
  }

  async reset(projectId: string): Promise<void> {
    await this.db.transaction((manager) => manager.delete(QuotaEntity, { projectId }));
  }

  async updateClass(className: string, changes: QuotaSet): Promise<QuotaSet> {
    await this.db.transaction(async (manager) => {
      const names = new Set(await this.resourceNames(manager));
      const unknown = Object.keys(changes).filter((k) => !names.has(k));
      if (unknown.length) throw cinderErrors.invalidInput(`Bad key(s) in quota set: ${unknown.join(', ')}`);
      for (const [resource, hardLimit] of Object.entries(changes)) {
        await manager.delete(QuotaClassEntity, { className, resource });
        await manager.insert(QuotaClassEntity, { className, resource, hardLimit });
      }
    });
    return this.classLimits(className);
  }
}
