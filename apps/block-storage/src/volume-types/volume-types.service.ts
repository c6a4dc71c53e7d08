import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Brackets, EntityManager, In } from 'typeorm';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import type { Actor } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { Database, isUniqueViolation } from '@stratus/platform';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import {
  DefaultVolumeTypeEntity,
  SnapshotEntity,
  VolumeEntity,
  VolumeTypeEntity,
  VolumeTypeExtraSpecEntity,
  VolumeTypeProjectEntity,
} from '../persistence/block-storage.entities';

/** Extra specs any project may read (Cinder's user-visible keys); the rest only admins see. */
const USER_VISIBLE_SPECS = new Set(['multiattach', 'RESKEY:availability_zones', 'replication_enabled']);

export interface LoadedType {
  type: VolumeTypeEntity;
  extraSpecs: Record<string, string>;
}

export interface TypeCreate {
  name: string;
  description?: string | null;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
}

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<is> True` (Cinder's capability syntax) or a plain boolean string. */
export function specIsTrue(value: string | undefined): boolean {
  return value !== undefined && /^(<is>\s*)?true$/i.test(value.trim());
}

/**
 * Volume types, their extra specs and access lists, and the default type: the configured one,
 * created at start-up when missing, unless a project has its own (3.62).
 */
@Injectable()
export class VolumeTypesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('VolumeTypes');

  constructor(
    private readonly db: Database,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const name = this.config.BLOCK_STORAGE_DEFAULT_VOLUME_TYPE;
    if (await this.db.manager.findOneBy(VolumeTypeEntity, { name })) return;
    try {
      await this.db.transaction(async (manager) => {
        const now = currentTime();
        await manager.insert(VolumeTypeEntity, {
          id: randomUUID(),
          name,
          description: 'Default Volume Type',
          isPublic: true,
          createdAt: now,
          updatedAt: now,
        });
      });
      this.logger.log(`created the default volume type ${name}`);
    } catch (error) {
      // Another replica starting at the same moment created it.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async load(types: VolumeTypeEntity[]): Promise<LoadedType[]> {
    const specs = types.length
      ? await this.db.manager.findBy(VolumeTypeExtraSpecEntity, { volumeTypeId: In(types.map((t) => t.id)) })
      : [];
    return types.map((type) => ({
      type,
      extraSpecs: Object.fromEntries(
        specs.filter((s) => s.volumeTypeId === type.id).map((s) => [s.key, s.value]),
      ),
    }));
  }

  async loadOne(type: VolumeTypeEntity): Promise<LoadedType> {
    return (await this.load([type]))[0];
  }

  async names(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await this.db.manager.findBy(VolumeTypeEntity, { id: In(unique) }) : [];
    return new Map(rows.map((t) => [t.id, t.name]));
  }

  /** Whether the actor may use the type: public ones, private ones shared with its project, or admin. */
  async canUse(actor: Actor, type: VolumeTypeEntity, manager = this.db.manager): Promise<boolean> {
    if (type.isPublic || actor.isAdmin) return true;
    if (!actor.projectId) return false;
    return (
      (await manager.countBy(VolumeTypeProjectEntity, {
        volumeTypeId: type.id,
        projectId: actor.projectId,
      })) > 0
    );
  }

  /** A type by id or name as the actor may see it; 404 otherwise. */
  async find(actor: Actor, idOrName: string, manager = this.db.manager): Promise<VolumeTypeEntity> {
    const type =
      (IS_UUID.test(idOrName)
        ? await manager.findOneBy(VolumeTypeEntity, { id: idOrName.toLowerCase() })
        : null) ?? (await manager.findOneBy(VolumeTypeEntity, { name: idOrName }));
    if (!type || !(await this.canUse(actor, type, manager))) throw cinderErrors.volumeTypeNotFound(idOrName);
    return type;
  }

  /** The project's own default type (3.62) or else the configured one. */
  async defaultFor(projectId: string | null, manager = this.db.manager): Promise<VolumeTypeEntity> {
    if (projectId) {
      const own = await manager.findOneBy(DefaultVolumeTypeEntity, { projectId });
      const type = own && (await manager.findOneBy(VolumeTypeEntity, { id: own.volumeTypeId }));
      if (type) return type;
    }
    const name = this.config.BLOCK_STORAGE_DEFAULT_VOLUME_TYPE;
    const type = await manager.findOneBy(VolumeTypeEntity, { name });
    if (!type) throw cinderErrors.volumeTypeNotFoundByName(name);
    return type;
  }

  async list(
    actor: Actor,
    filters: { isPublic: boolean | null; extraSpecs?: Record<string, string> },
  ): Promise<LoadedType[]> {
    const qb = this.db.manager.createQueryBuilder(VolumeTypeEntity, 't');
    if (!actor.isAdmin || filters.isPublic === true) {
      // Public types, plus the private ones shared with the caller's project.
      qb.where(
        new Brackets((w) => {
          w.where('t.is_public = :pub', { pub: true });
          if (actor.projectId) {
            w.orWhere(
              'EXISTS (SELECT 1 FROM volume_type_project tp WHERE tp.volume_type_id = t.id AND tp.project_id = :pid)',
              { pid: actor.projectId },
            );
          }
        }),
      );
    } else if (filters.isPublic === false) {
      qb.where('t.is_public = :pub', { pub: false });
    }
    for (const [i, [key, value]] of Object.entries(filters.extraSpecs ?? {}).entries()) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM volume_type_extra_spec es WHERE es.volume_type_id = t.id AND es.\`key\` = :k${i} AND es.value = :v${i})`,
        { [`k${i}`]: key, [`v${i}`]: value },
      );
    }
    const types = await qb.orderBy('t.name', 'ASC').getMany();
    return this.load(types);
  }

  async create(input: TypeCreate): Promise<LoadedType> {
    const now = currentTime();
    const type: VolumeTypeEntity = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      isPublic: input.isPublic,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.transaction(async (manager) => {
        await manager.insert(VolumeTypeEntity, type);
        const specs = Object.entries(input.extraSpecs);
        if (specs.length) {
          await manager.insert(
            VolumeTypeExtraSpecEntity,
            specs.map(([key, value]) => ({ volumeTypeId: type.id, key, value })),
          );
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw cinderErrors.volumeTypeExists(input.name);
      throw error;
    }
    return { type, extraSpecs: { ...input.extraSpecs } };
  }

  async update(
    actor: Actor,
    id: string,
    changes: { name?: string; description?: string | null; isPublic?: boolean },
  ): Promise<LoadedType> {
    const type = await this.find(actor, id);
    if (
      changes.name !== undefined &&
      type.name === this.config.BLOCK_STORAGE_DEFAULT_VOLUME_TYPE &&
      changes.name !== type.name
    ) {
      throw cinderErrors.invalidVolumeType('The default volume type cannot be renamed.');
    }
    Object.assign(type, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.isPublic !== undefined ? { isPublic: changes.isPublic } : {}),
      updatedAt: currentTime(),
    });
    try {
      await this.db.transaction((manager) => manager.save(VolumeTypeEntity, type));
    } catch (error) {
      if (isUniqueViolation(error)) throw cinderErrors.volumeTypeExists(changes.name ?? type.name);
      throw error;
    }
    return this.loadOne(type);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const type = await this.find(actor, id);
    if (type.name === this.config.BLOCK_STORAGE_DEFAULT_VOLUME_TYPE) throw cinderErrors.volumeTypeDefault();
    await this.db.transaction(async (manager) => {
      const used =
        (await manager.countBy(VolumeEntity, { volumeTypeId: type.id })) +
        (await manager.countBy(SnapshotEntity, { volumeTypeId: type.id })) +
        (await manager.countBy(DefaultVolumeTypeEntity, { volumeTypeId: type.id }));
      if (used) throw cinderErrors.volumeTypeInUse(type.id);
      await manager.delete(VolumeTypeExtraSpecEntity, { volumeTypeId: type.id });
      await manager.delete(VolumeTypeProjectEntity, { volumeTypeId: type.id });
      await manager.delete(VolumeTypeEntity, { id: type.id });
    });
  }

  async setExtraSpecs(
    actor: Actor,
    id: string,
    specs: Record<string, string>,
  ): Promise<Record<string, string>> {
    const type = await this.find(actor, id);
    await this.db.transaction(async (manager) => {
      for (const [key, value] of Object.entries(specs)) {
        await manager.delete(VolumeTypeExtraSpecEntity, { volumeTypeId: type.id, key });
        await manager.insert(VolumeTypeExtraSpecEntity, { volumeTypeId: type.id, key, value });
      }
      await manager.update(VolumeTypeEntity, { id: type.id }, { updatedAt: currentTime() });
    });
    return specs;
  }

  async deleteExtraSpec(actor: Actor, id: string, key: string): Promise<void> {
    const type = await this.find(actor, id);
    const result = await this.db.transaction((manager) =>
      manager.delete(VolumeTypeExtraSpecEntity, { volumeTypeId: type.id, key }),
    );
    if (!result.affected) throw cinderErrors.extraSpecNotFound(type.id, key);
  }

  async accessList(actor: Actor, id: string): Promise<VolumeTypeProjectEntity[]> {
    const type = await this.find(actor, id);
    if (type.isPublic) throw cinderErrors.accessListUnavailable();
    return this.db.manager.find(VolumeTypeProjectEntity, {
      where: { volumeTypeId: type.id },
      order: { projectId: 'ASC' },
    });
  }

  async addAccess(actor: Actor, id: string, projectId: string): Promise<void> {
    const type = await this.find(actor, id);
    if (type.isPublic) {
      throw cinderErrors.invalidVolumeType(
        'Type access modification is not applicable to public volume type.',
      );
    }
    try {
      await this.db.transaction((manager) =>
        manager.insert(VolumeTypeProjectEntity, { volumeTypeId: type.id, projectId }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw cinderErrors.typeAccessExists(type.id, projectId);
      throw error;
    }
  }

  async removeAccess(actor: Actor, id: string, projectId: string): Promise<void> {
    const type = await this.find(actor, id);
    if (type.isPublic) {
      throw cinderErrors.invalidVolumeType(
        'Type access modification is not applicable to public volume type.',
      );
    }
    const result = await this.db.transaction((manager) =>
      manager.delete(VolumeTypeProjectEntity, { volumeTypeId: type.id, projectId }),
    );
    if (!result.affected) throw cinderErrors.typeAccessNotFound(type.id, projectId);
  }

  // ---------------------------------------------------------------- default types (3.62)

  async setProjectDefault(
    actor: Actor,
    projectId: string,
    typeIdOrName: string,
  ): Promise<DefaultVolumeTypeEntity> {
    const type = await this.find(actor, typeIdOrName);
    const row = { projectId, volumeTypeId: type.id };
    await this.db.transaction(async (manager) => {
      await manager.delete(DefaultVolumeTypeEntity, { projectId });
      await manager.insert(DefaultVolumeTypeEntity, row);
    });
    return row;
  }

  async projectDefault(projectId: string): Promise<DefaultVolumeTypeEntity> {
    const row = await this.db.manager.findOneBy(DefaultVolumeTypeEntity, { projectId });
    if (!row) throw cinderErrors.defaultTypeNotFound(projectId);
    return row;
  }

  projectDefaults(): Promise<DefaultVolumeTypeEntity[]> {
    return this.db.manager.find(DefaultVolumeTypeEntity, { order: { projectId: 'ASC' } });
  }

  async clearProjectDefault(projectId: string): Promise<void> {
    await this.db.transaction((manager: EntityManager) =>
      manager.delete(DefaultVolumeTypeEntity, { projectId }),
    );
  }

  // ---------------------------------------------------------------- views

  view(loaded: LoadedType, actor: Actor): Record<string, unknown> {
    const { type, extraSpecs } = loaded;
    const visible = actor.isAdmin
      ? extraSpecs
      : Object.fromEntries(Object.entries(extraSpecs).filter(([k]) => USER_VISIBLE_SPECS.has(k)));
    return {
      id: type.id,
      name: type.name,
      description: type.description,
      is_public: type.isPublic,
      'os-volume-type-access:is_public': type.isPublic,
      extra_specs: visible,
      qos_specs_id: null,
    };
  }
}
