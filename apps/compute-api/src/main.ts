import 'reflect-metadata';
import { createServiceApp, loadConfig, runDatabaseCommand, serviceScopedEnv } from '@stratus/platform';
import { ComputeApiModule } from './compute-api.module';
import { computeApiConfigSchema } from './config/compute-api-config';
import { COMPUTE_MIGRATIONS } from './migrations';
import { COMPUTE_ENTITIES } from './persistence/compute.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('compute-api', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(computeApiConfigSchema, env);
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'compute-api',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: COMPUTE_ENTITIES,
    migrations: COMPUTE_MIGRATIONS,
  });
  if (handled) return;
  const app = await createServiceApp(ComputeApiModule.forRoot(config), {
    service: 'compute-api',
    config,
    errorStyle: 'nova',
  });
  await app.listen(config.COMPUTE_API_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`compute-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
