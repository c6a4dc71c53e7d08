import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { glanceErrors } from '../common/glance-errors';
import type { ImageConfig } from '../config/image-config';
import { IMAGE_CONFIG } from '../image.tokens';

export interface ProjectLimits {
  /** -1 means unlimited. */
  images: number;
  bytes: number;
}

const overridesSchema = z.record(
  z.string(),
  z.object({ images: z.number().int().min(-1).optional(), bytes: z.number().int().min(-1).optional() }),
);

/** States whose images hold (or are about to hold) data in a store or the staging area. */
const COUNTED_STATES = ['queued', 'saving', 'active', 'uploading', 'importing', 'deactivated'];

/**
 * Per-project limits on image count and total bytes (Glance's image_count_total and
 * image_size_total), answered with 413 as Glance does when keystone limits are on.
 */
@Injectable()
export class QuotaService {
  private readonly overrides: z.infer<typeof overridesSchema>;

  constructor(
    @Inject(IMAGE_CONFIG) private readonly config: ImageConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.overrides = config.IMAGE_QUOTA_OVERRIDES
      ? overridesSchema.parse(JSON.parse(config.IMAGE_QUOTA_OVERRIDES))
      : {};
  }

  limitsFor(projectId: string | null): ProjectLimits {
    const override = projectId ? this.overrides[projectId] : undefined;
    return {
      images: override?.images ?? this.config.IMAGE_QUOTA_IMAGES,
      bytes: override?.bytes ?? this.config.IMAGE_QUOTA_BYTES,
    };
  }

  async imageCount(owner: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const row = await manager
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from('image', 'i')
      .where('i.owner = :owner', { owner })
      .andWhere('i.status IN (:...states)', { states: COUNTED_STATES })
      .getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** Bytes the project's images hold, leaving one image out (the one being uploaded). */
  async bytesUsed(owner: string, exceptImageId?: string): Promise<number> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('COALESCE(SUM(i.size), 0)', 'n')
      .from('image', 'i')
      .where('i.owner = :owner', { owner })
      .andWhere('i.status IN (:...states)', { states: COUNTED_STATES })
      .andWhere('i.size IS NOT NULL');
    if (exceptImageId) query.andWhere('i.id != :id', { id: exceptImageId });
    const row = await query.getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  async stagedBytes(owner: string): Promise<{ bytes: number; uploading: number }> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COALESCE(SUM(i.size), 0)', 'n')
      .addSelect('COUNT(*)', 'c')
      .from('image', 'i')
      .where('i.owner = :owner', { owner })
      .andWhere('i.status IN (:...states)', { states: ['saving', 'uploading', 'importing'] })
      .getRawOne<{ n: string | number; c: string | number }>();
    return { bytes: Number(row?.n ?? 0), uploading: Number(row?.c ?? 0) };
  }

  /** Throws 413 if the owner may not have one more image. */
  async enforceImageCount(owner: string | null, manager?: EntityManager): Promise<void> {
    if (owner === null) return;
    const limit = this.limitsFor(owner).images;
    if (limit < 0) return;
    const usage = await this.imageCount(owner, manager);
    if (usage + 1 > limit) {
      throw glanceErrors.tooLarge(
        `Project ${owner} is over a limit for [Resource image_count_total is over limit of ${limit} due to current usage ${usage} and delta 1]`,
      );
    }
  }

  /** Bytes the owner may still add to this image; Infinity when unlimited. */
  async bytesRemaining(owner: string | null, imageId: string): Promise<number> {
    if (owner === null) return Infinity;
    const limit = this.limitsFor(owner).bytes;
    if (limit < 0) return Infinity;
    return Math.max(0, limit - (await this.bytesUsed(owner, imageId)));
  }

  storageQuotaError(owner: string | null, size: number | string, remaining: number) {
    return glanceErrors.tooLarge(
      `Denying attempt to upload image because it exceeds the quota: The size of the data ${size} will exceed the limit. ${remaining} bytes remaining.` +
        (owner ? ` (project ${owner}, image_size_total)` : ''),
    );
  }
}
