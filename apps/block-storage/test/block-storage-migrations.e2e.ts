import { pendingSchemaChanges } from '@stratus/platform';
import { TEST_MYSQL_URL } from '@stratus/testing';
import { BLOCK_STORAGE_MIGRATIONS } from '../src/migrations';
import { BLOCK_STORAGE_ENTITIES } from '../src/persistence/block-storage.entities';

/** CI fails when an entity changes without a migration, for both dialects. */
describe('block storage migrations', () => {
  it.each(['mysql', 'sqlite'] as const)('bring a %s database to the entities exactly', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: BLOCK_STORAGE_ENTITIES, migrations: BLOCK_STORAGE_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
