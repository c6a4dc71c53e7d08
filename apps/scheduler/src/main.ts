import 'reflect-metadata';
import { createServiceApp, loadConfig, serviceScopedEnv } from '@stratus/platform';
import { schedulerConfigSchema } from './config/scheduler-config';
import { SchedulerModule } from './scheduler.module';

async function main(): Promise<void> {
  const config = loadConfig(schedulerConfigSchema, serviceScopedEnv('scheduler', process.env, ['LOG_LEVEL']));
  const app = await createServiceApp(SchedulerModule.forRoot(config), {
    service: 'scheduler',
    config,
    errorStyle: 'nova',
  });
  await app.listen(config.SCHEDULER_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`scheduler: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
