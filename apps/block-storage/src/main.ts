import 'reflect-metadata';
import { createServiceApp, loadConfig, runDatabaseCommand, serviceScopedEnv } from '@stratus/platform';
import { BlockStorageModule } from './block-storage.module';
import { blockStorageConfigSchema } from './config/block-storage-config';
import { BLOCK_STORAGE_MIGRATIONS } from './migrations';
import { BLOCK_STORAGE_ENTITIES } from './persistence/block-storage.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('block-storage', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(blockStorageConfigSchema, env);
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'block-storage',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: BLOCK_STORAGE_ENTITIES,
    migrations: BLOCK_STORAGE_MIGRATIONS,
  });
  if (handled) return;
  const app = await createServiceApp(BlockStorageModule.forRoot(config), {
    service: 'block-storage',
    config,
    errorStyle: 'cinder',
  });
  await app.listen(config.BLOCK_STORAGE_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`block-storage: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
