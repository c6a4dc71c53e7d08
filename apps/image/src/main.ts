import 'reflect-metadata';
import { loadConfig, runDatabaseCommand, serviceScopedEnv } from '@stratus/platform';
import { imageConfigSchema } from './config/image-config';
import { createImageApp } from './image-app';
import { IMAGE_MIGRATIONS } from './migrations';
import { IMAGE_ENTITIES } from './persistence/image.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('image', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(imageConfigSchema, env);
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'image',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: IMAGE_ENTITIES,
    migrations: IMAGE_MIGRATIONS,
  });
  if (handled) return;
  const app = await createImageApp(config);
  await app.listen(config.IMAGE_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`image: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
