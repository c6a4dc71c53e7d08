import { platformConfigSchema } from '@stratus/platform';
import { z } from 'zod';

const nameList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .optional();

export const schedulerConfigSchema = platformConfigSchema.extend({
  /** Health and metrics only: the scheduler has no public API. */
  SCHEDULER_PORT: z.coerce.number().int().min(0).max(65535).default(8780),
  /** Comma-separated filter names in the order they run (Nova's enabled_filters); an unknown name stops start-up. */
  SCHEDULER_ENABLED_FILTERS: nameList,
  SCHEDULER_ENABLED_WEIGHERS: nameList,
  /** JSON object, e.g. {"ram": -1} to stack instead of spread. */
  SCHEDULER_WEIGHT_MULTIPLIERS: z
    .string()
    .transform((value) => z.record(z.string(), z.number()).parse(JSON.parse(value)))
    .optional(),
  SCHEDULER_HOST_SUBSET_SIZE: z.coerce.number().int().positive().default(1),
  SCHEDULER_MAX_ATTEMPTS: z.coerce.number().int().positive().default(3),
  SCHEDULER_SERVICE_DOWN_TIME_SECONDS: z.coerce.number().positive().default(60),
});

export type SchedulerServiceConfig = z.infer<typeof schedulerConfigSchema>;

export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
