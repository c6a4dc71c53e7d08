import { platformConfigSchema } from '@stratus/platform';
import { z } from 'zod';

export const identityConfigSchema = platformConfigSchema.extend({
  IDENTITY_PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  /** bcrypt cost; Keystone's default is 12. Lower it only for tests. */
  IDENTITY_PASSWORD_HASH_ROUNDS: z.coerce.number().int().min(4).max(31).default(12),
  /** keystone-manage bootstrap, done at start-up when a password is given. */
  IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(1).optional(),
  IDENTITY_BOOTSTRAP_ADMIN_USERNAME: z.string().default('admin'),
  IDENTITY_BOOTSTRAP_PROJECT_NAME: z.string().default('admin'),
  IDENTITY_BOOTSTRAP_REGION_ID: z.string().default('RegionOne'),
  /**
   * Catalog entries to ensure at bootstrap, as JSON:
   * [{"type":"identity","name":"keystone","public":"http://...","internal":"...","admin":"..."}]
   */
  IDENTITY_BOOTSTRAP_CATALOG: z.string().optional(),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;
