import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Database } from '@stratus/platform';
import { DataSource } from 'typeorm';
import { ContainersService } from '../containers/containers.service';
import { locked, WRITE_RETRY } from '../persistence/locking';
import { AccountEntity } from '../persistence/object-storage.entities';
import { applyUpdates, checkMetadataTotals, Metadata, parseMetadata } from '../swift/metadata';
import { nextTimestamp } from '../swift/timestamps';

export interface AccountState {
  metadata: Metadata;
  createdAt: number;
  containerCount: number;
  objectCount: number;
  bytesUsed: number;
}

/** Accounts exist implicitly for their project (account_autocreate); a row appears with the first write. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: Database,
    private readonly containers: ContainersService,
  ) {}

  async state(account: string): Promise<AccountState> {
    const row = await this.dataSource.getRepository(AccountEntity).findOneBy({ name: account });
    const stats = await this.containers.accountStats(account);
    return {
      metadata: row ? parseMetadata(row.metadata) : {},
      createdAt: row?.createdAt ?? nextTimestamp(),
      ...stats,
    };
  }

  async metadata(account: string): Promise<Metadata> {
    const row = await this.dataSource.getRepository(AccountEntity).findOneBy({ name: account });
    return row ? parseMetadata(row.metadata) : {};
  }

  async updateMetadata(account: string, updates: Record<string, string | null>): Promise<void> {
    await this.db.transaction(async (manager) => {
      const now = nextTimestamp();
      await this.containers.ensureAccount(manager, account, now);
      const row = await locked(
        manager,
        manager.getRepository(AccountEntity).createQueryBuilder('a').where({ name: account }),
        'pessimistic_write',
      ).getOneOrFail();
      const merged = applyUpdates(parseMetadata(row.metadata), updates);
      checkMetadataTotals(merged);
      row.metadata = JSON.stringify(merged);
      row.updatedAt = now;
      await manager.save(row);
    }, WRITE_RETRY);
  }
}
