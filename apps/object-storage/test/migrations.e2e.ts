import { pendingSchemaChanges } from '@stratus/platform';
import { TEST_MYSQL_URL } from '@stratus/testing';
import { OBJECT_STORAGE_MIGRATIONS } from '../src/migrations';
import { OBJECT_STORAGE_ENTITIES } from '../src/persistence/object-storage.entities';

describe('object storage migrations', () => {
  it.each(['mysql', 'sqlite'] as const)('leave nothing for %s to synchronise', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: OBJECT_STORAGE_ENTITIES, migrations: OBJECT_STORAGE_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
