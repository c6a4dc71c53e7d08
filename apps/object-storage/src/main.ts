import 'reflect-metadata';
import { loadConfig, runDatabaseCommand, serviceScopedEnv } from '@stratus/platform';
import { objectStorageConfigSchema } from './config/object-storage-config';
import { OBJECT_STORAGE_MIGRATIONS } from './migrations';
import { createObjectStorageApp } from './object-storage-app';
import { OBJECT_STORAGE_ENTITIES } from './persistence/object-storage.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('object-storage', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(objectStorageConfigSchema, env);
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'object-storage',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: OBJECT_STORAGE_ENTITIES,
    migrations: OBJECT_STORAGE_MIGRATIONS,
  });
  if (handled) return;
  const app = await createObjectStorageApp(config);
  await app.listen(config.OBJECT_STORAGE_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`object-storage: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
