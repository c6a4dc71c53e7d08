import 'reflect-metadata';
import {
  createServiceApp,
  loadConfig,
  runDatabaseCommand,
  runTokenKeyCommand,
  serviceScopedEnv,
} from '@stratus/platform';
import { identityConfigSchema } from './config/identity-config';
import { IdentityModule } from './identity.module';
import { IDENTITY_MIGRATIONS } from './migrations';
import { IDENTITY_ENTITIES } from './persistence/identity.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('identity', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(identityConfigSchema, env);
  // Identity mints the tokens, so it owns their keys: keystone-manage fernet_setup / fernet_rotate.
  if (await runTokenKeyCommand(process.argv.slice(2), config.TOKEN_KEY_REPOSITORY)) return;
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'identity',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: IDENTITY_ENTITIES,
    migrations: IDENTITY_MIGRATIONS,
  });
  if (handled) return;
  const app = await createServiceApp(IdentityModule.forRoot(config), {
    service: 'identity',
    config,
    errorStyle: 'keystone',
  });
  await app.listen(config.IDENTITY_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`identity: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
