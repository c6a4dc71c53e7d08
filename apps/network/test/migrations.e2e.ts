import { pendingSchemaChanges } from '@stratus/platform';
import { TEST_MYSQL_URL } from '@stratus/testing';
import { NETWORK_MIGRATIONS } from '../src/migrations';
import { NETWORK_ENTITIES } from '../src/persistence/network.entities';

/** CI fails when an entity changes without a migration, for both dialects. */
describe('network service migrations', () => {
  it.each(['mysql', 'sqlite'] as const)('bring a %s database to the entities exactly', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: NETWORK_ENTITIES, migrations: NETWORK_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
