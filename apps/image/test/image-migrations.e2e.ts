import { pendingSchemaChanges } from '@stratus/platform';
import { TEST_MYSQL_URL } from '@stratus/testing';
import { IMAGE_MIGRATIONS } from '../src/migrations';
import { IMAGE_ENTITIES } from '../src/persistence/image.entities';

describe('image migrations', () => {
  it.each(['mysql', 'sqlite'] as const)('leave nothing for %s to synchronise', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: IMAGE_ENTITIES, migrations: IMAGE_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
