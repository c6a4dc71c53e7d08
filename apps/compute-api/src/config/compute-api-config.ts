import { platformConfigSchema } from '@stratus/platform';
import { z } from 'zod';

export const computeApiConfigSchema = platformConfigSchema.extend({
  COMPUTE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8774),
  /** The image service's public endpoint: agents download images from it, the image proxy reads it. */
  COMPUTE_IMAGE_URL: z.string().url().default('http://127.0.0.1:9292'),
  /** The network service's public endpoint, for the port updates that have no NATS contract (security groups). */
  COMPUTE_NETWORK_URL: z.string().url().default('http://127.0.0.1:9696'),
  /** Nova's default_availability_zone: the zone of hosts that name none, and of servers asking for none. */
  COMPUTE_DEFAULT_AVAILABILITY_ZONE: z.string().min(1).default('nova'),
  /** Nova's scheduler.max_attempts: one build plus this many minus one reschedules to alternates. */
  COMPUTE_MAX_BUILD_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** Nova's instance_build_timeout: a build with no answer from its host for this long fails over. */
  COMPUTE_BUILD_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
  /** How often this replica looks for builds and deletes that nobody finished. */
  COMPUTE_SWEEP_INTERVAL_SECONDS: z.coerce.number().positive().default(5),
  /** Nova's service_down_time: a host whose last heartbeat is older is reported down. */
  COMPUTE_SERVICE_DOWN_TIME_SECONDS: z.coerce.number().positive().default(60),
  /** How long a power action or a delete may take on the host (a soft reboot waits for the guest). */
  COMPUTE_AGENT_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** Nova's api.max_limit: the largest page a list answers. */
  COMPUTE_MAX_LIMIT: z.coerce.number().int().positive().default(1000),
});

export type ComputeApiConfig = z.infer<typeof computeApiConfigSchema>;
