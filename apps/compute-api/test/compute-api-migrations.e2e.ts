import { pendingSchemaChanges } from '@stratus/platform';
import { TEST_MYSQL_URL } from '@stratus/testing';
import { COMPUTE_MIGRATIONS } from '../src/migrations';
import { COMPUTE_ENTITIES } from '../src/persistence/compute.entities';

describe('compute-api schema', () => {
  it.each(['mysql', 'sqlite'] as const)('has migrations that match the entities on %s', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: COMPUTE_ENTITIES, migrations: COMPUTE_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
