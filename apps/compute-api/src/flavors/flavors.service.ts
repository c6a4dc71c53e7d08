import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { badRequest, conflict, isUniqueViolation, notFound } from '@stratus/platform';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { FlavorEntity, FlavorProjectEntity } from './flavor.entity';

export interface FlavorListFilter {
  /** true: public ones and the project's private ones; false: private only; null: every flavor. */
  isPublic: boolean | null;
  projectId?: string;
  includeDisabled: boolean;
  minRam?: number;
  minDisk?: number;
  sortKey: SortKey;
  sortDir: 'asc' | 'desc';
}

export const FLAVOR_SORT_KEYS = {
  flavorid: 'id',
  id: 'id',
  name: 'name',
  memory_mb: 'memoryMb',
  vcpus: 'vcpus',
  root_gb: 'rootGb',
  ephemeral_gb: 'ephemeralGb',
  swap: 'swap',
  rxtx_factor: 'rxtxFactor',
  created_at: 'createdAt',
  is_public: 'isPublic',
  disabled: 'disabled',
} as const;
export type SortKey = keyof typeof FLAVOR_SORT_KEYS;

export interface NewFlavor {
  id?: string;
  name: string;
  memoryMb: number;
  vcpus: number;
  rootGb: number;
  ephemeralGb: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  description: string | null;
}

@Injectable()
export class FlavorsService {
  constructor(
    @InjectRepository(FlavorEntity) private readonly flavors: Repository<FlavorEntity>,
    @InjectRepository(FlavorProjectEntity) private readonly access: Repository<FlavorProjectEntity>,
  ) {}

  async list(filter: FlavorListFilter): Promise<FlavorEntity[]> {
    const all = await this.flavors.find();
    const accessible =
      filter.isPublic !== false && filter.projectId
        ? new Set((await this.access.findBy({ projectId: filter.projectId })).map((a) => a.flavorId))
        : new Set<string>();
    const key = FLAVOR_SORT_KEYS[filter.sortKey];
    const direction = filter.sortDir === 'asc' ? 1 : -1;
    return all
      .filter((f) => {
        if (filter.isPublic === true && !f.isPublic && !accessible.has(f.id)) return false;
        if (filter.isPublic === false && f.isPublic) return false;
        if (!filter.includeDisabled && f.disabled) return false;
        if (filter.minRam !== undefined && f.memoryMb < filter.minRam) return false;
        if (filter.minDisk !== undefined && f.rootGb < filter.minDisk) return false;
        return true;
      })
      .sort((a, b) => {
        const x = a[key];
        const y = b[key];
        const order = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        return order * direction;
      });
  }

  /** A flavor the caller may see: admins see all, others public ones and those shared with them. */
  async get(id: string, viewer?: { projectId?: string; isAdmin: boolean }): Promise<FlavorEntity> {
    const flavor = await this.flavors.findOneBy({ id });
    if (!flavor || (viewer && !viewer.isAdmin && !(await this.canUse(flavor, viewer.projectId)))) {
      throw notFound(`Flavor ${id} could not be found.`, 'FlavorNotFound');
    }
    return flavor;
  }

  async canUse(flavor: FlavorEntity, projectId: string | undefined): Promise<boolean> {
    if (flavor.isPublic) return true;
    if (!projectId) return false;
    return (await this.access.countBy({ flavorId: flavor.id, projectId })) > 0;
  }

  async create(input: NewFlavor): Promise<FlavorEntity> {
    const id = input.id ?? randomUUID();
    if (await this.flavors.existsBy({ id })) {
      throw conflict(`Flavor with ID ${id} already exists.`, 'FlavorIdExists');
    }
    if (await this.flavors.existsBy({ name: input.name })) {
      throw conflict(`Flavor with name ${input.name} already exists.`, 'FlavorExists');
    }
    const flavor = this.flavors.create({
      ...input,
      id,
      disabled: false,
      extraSpecs: {},
      createdAt: new Date(),
    });
    try {
      return await this.flavors.save(flavor);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Flavor with name ${input.name} already exists.`);
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.access.delete({ flavorId: id });
    await this.flavors.delete({ id });
  }

  async updateExtraSpecs(id: string, change: (specs: Record<string, string>) => void): Promise<FlavorEntity> {
    const flavor = await this.get(id);
    const specs = { ...flavor.extraSpecs };
    change(specs);
    flavor.extraSpecs = specs;
    return this.flavors.save(flavor);
  }

  async accessList(id: string): Promise<FlavorProjectEntity[]> {
    const flavor = await this.get(id);
    if (flavor.isPublic) throw notFound('Access list not available for public flavors.');
    return this.access.find({ where: { flavorId: id }, order: { projectId: 'ASC' } });
  }

  async addAccess(id: string, projectId: string, rejectPublic: boolean): Promise<FlavorProjectEntity[]> {
    const flavor = await this.get(id);
    if (flavor.isPublic && rejectPublic) throw conflict('Can not add access to a public flavor.');
    if (await this.access.existsBy({ flavorId: id, projectId })) {
      throw conflict(
        `Flavor access already exists for flavor ${id} and project ${projectId} combination.`,
        'FlavorAccessExists',
      );
    }
    await this.access.insert({ flavorId: id, projectId });
    return this.access.find({ where: { flavorId: id }, order: { projectId: 'ASC' } });
  }

  async removeAccess(id: string, projectId: string): Promise<FlavorProjectEntity[]> {
    await this.get(id);
    const removed = await this.access.delete({ flavorId: id, projectId });
    if (!removed.affected) {
      throw notFound(`Flavor access not found for ${id} / ${projectId} combination.`, 'FlavorAccessNotFound');
    }
    return this.access.find({ where: { flavorId: id }, order: { projectId: 'ASC' } });
  }
}

export function parseSortKey(value: string | undefined): SortKey {
  const key = value ?? 'flavorid';
  if (!(key in FLAVOR_SORT_KEYS)) throw badRequest(`Invalid sort key: ${key}`);
  return key as SortKey;
}
