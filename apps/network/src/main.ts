import 'reflect-metadata';
import { createServiceApp, loadConfig, runDatabaseCommand, serviceScopedEnv } from '@stratus/platform';
import { networkConfigSchema } from './config/network-config';
import { NETWORK_MIGRATIONS } from './migrations';
import { NetworkModule } from './network.module';
import { NETWORK_ENTITIES } from './persistence/network.entities';

async function main(): Promise<void> {
  const env = serviceScopedEnv('network', process.env, ['DATABASE_URL', 'LOG_LEVEL']);
  const config = loadConfig(networkConfigSchema, env);
  const handled = await runDatabaseCommand(process.argv.slice(2), {
    service: 'network',
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    entities: NETWORK_ENTITIES,
    migrations: NETWORK_MIGRATIONS,
  });
  if (handled) return;
  const app = await createServiceApp(NetworkModule.forRoot(config), {
    service: 'network',
    config,
    errorStyle: 'neutron',
  });
  await app.listen(config.NETWORK_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`network: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
