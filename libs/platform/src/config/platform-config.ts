import { z } from 'zod';

/** Settings every service reads; services extend this schema with their own. */
export const platformConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Prefixes every subject and stream name, so several clouds (or test runs) can share one NATS. */
  NATS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_-]*$/i, 'letters, digits, - and _ only')
    .default(''),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Copies JetStream keeps of each stream: 3 on a three-node cluster, so one node can fail. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** mysql://user:pass@host:port[/database]; unset means an embedded SQLite file under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  TOKEN_KEY_REPOSITORY: z.string().default('./data/fernet-keys'),
  /** Longest a token can live; revocation events are kept this long. */
  TOKEN_EXPIRATION_SECONDS: z.coerce.number().int().positive().default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BIND_HOST: z.string().default('0.0.0.0'),
  /**
   * Seconds to keep serving after SIGTERM while /readyz answers 503, so that load balancers stop
   * routing here before the listener closes (Kubernetes: a few seconds; one machine: none).
   */
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().nonnegative().default(0),
  /** Seconds to let in-flight requests finish once the listener is closed, before cutting them. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().nonnegative().default(10),
  /** Idle keep-alive connection lifetime; above the load balancer's (ingress-nginx: 60 s). */
  HTTP_KEEPALIVE_TIMEOUT_SECONDS: z.coerce.number().positive().default(65),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

export class ConfigError extends Error {}

/** Parses and validates settings at start-up; an invalid setting stops the service with every problem listed. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** The service-specific variable (IDENTITY_DATABASE_URL) wins over the shared one (DATABASE_URL). */
export function serviceScopedEnv(
  service: string,
  env: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string | undefined> {
  const prefix = service.toUpperCase().replace(/-/g, '_') + '_';
  const scoped = { ...env };
  for (const name of names) {
    const specific = env[prefix + name];
    if (specific !== undefined && specific !== '') scoped[name] = specific;
  }
  return scoped;
}
