import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuthContext, notFound } from '@stratus/platform';
import { FindOptionsWhere, Repository } from 'typeorm';
import { InstanceEntity } from './instance.entity';

export const instanceNotFound = (uuid: string) =>
  notFound(`Instance ${uuid} could not be found.`, 'InstanceNotFound');

/** Reads and writes instances; every write stamps updated_at, which changes-since filters on. */
@Injectable()
export class InstanceStore {
  constructor(@InjectRepository(InstanceEntity) readonly repository: Repository<InstanceEntity>) {}

  find(uuid: string): Promise<InstanceEntity | null> {
    return this.repository.findOneBy({ uuid });
  }

  /** A live server the caller may see: its project's, or any for an admin; others are "not found". */
  async visible(uuid: string, auth: AuthContext): Promise<InstanceEntity> {
    const instance = await this.repository.findOneBy({ uuid, deleted: false });
    if (!instance || (!auth.isAdmin && instance.projectId !== auth.projectId)) throw instanceNotFound(uuid);
    return instance;
  }

  async save(instance: InstanceEntity): Promise<InstanceEntity> {
    instance.updatedAt = new Date();
    return this.repository.save(instance);
  }

  /**
   * Applies `change` only if the row still matches `expected`: how replicas agree on who moves a
   * server on (a reschedule, a timed-out build) without locks. True when this caller won.
   */
  async transition(
    uuid: string,
    expected: FindOptionsWhere<InstanceEntity>,
    change: Partial<InstanceEntity>,
  ): Promise<boolean> {
    const result = await this.repository.update({ ...expected, uuid }, {
      ...change,
      updatedAt: new Date(),
    } as Parameters<Repository<InstanceEntity>['update']>[1]);
    return (result.affected ?? 0) > 0;
  }
}
