import 'reflect-metadata';
import { createServiceApp, loadConfig, serviceScopedEnv } from '@stratus/platform';
import { ComputeAgentModule } from './compute-agent.module';
import { agentConfigSchema } from './config/agent-config';

async function main(): Promise<void> {
  const config = loadConfig(agentConfigSchema, serviceScopedEnv('compute-agent', process.env, ['LOG_LEVEL']));
  const app = await createServiceApp(ComputeAgentModule.forRoot(config), {
    service: 'compute-agent',
    config,
    errorStyle: 'nova',
  });
  await app.listen(config.COMPUTE_AGENT_PORT, config.BIND_HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`compute-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
