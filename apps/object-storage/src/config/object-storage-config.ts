import { platformConfigSchema } from '@stratus/platform';
import { hostname } from 'node:os';
import { z } from 'zod';

const roleList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((role) => role.trim().toLowerCase())
        .filter((role) => role !== ''),
    );

export const objectStorageConfigSchema = platformConfigSchema.extend({
  OBJECT_STORAGE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Folder of the filesystem data store; defaults to <DATA_DIR>/objects. */
  OBJECT_STORAGE_DATA_DIR: z.string().optional(),
  /**
   * Names this process in the write journal and in the data folder's temporary files, so a
   * restart cleans only what this process left half-written. Replicas sharing a database (and,
   * with the filesystem store, a shared filesystem) need one name each.
   */
  OBJECT_STORAGE_NODE_ID: z.string().min(1).max(255).default(hostname()),
  /**
   * Journal entries older than this (seconds) are settled by any replica, at start and hourly:
   * longer than any upload takes, so they can only be left by a process that is gone.
   */
  OBJECT_STORAGE_JOURNAL_STALE_SECONDS: z.coerce.number().int().positive().default(86400),
  /** Swift's max_file_size: the largest single object (5 GiB + 2 bytes, as Swift ships). */
  OBJECT_STORAGE_MAX_FILE_SIZE: z.coerce.number().int().positive().default(5368709122),
  /** keystoneauth's operator_roles: these roles on a project own its account. */
  OBJECT_STORAGE_OPERATOR_ROLES: roleList('admin,member'),
  /** keystoneauth's project_reader_roles: read-only access to the project's account. */
  OBJECT_STORAGE_READER_ROLES: roleList('reader'),
  /** keystoneauth's reseller_admin_role: owns every account. */
  OBJECT_STORAGE_RESELLER_ADMIN_ROLE: z.string().default('ResellerAdmin'),
  /**
   * How long a replica may use a container's settings (ACLs, quotas, versioning) read earlier;
   * changes through this replica apply at once. Swift's proxies cache them for 60 seconds.
   */
  OBJECT_STORAGE_CONTAINER_CACHE_SECONDS: z.coerce.number().min(0).default(5),
  /** How often expired objects (X-Delete-At) are removed. */
  OBJECT_STORAGE_EXPIRER_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
  /** HMAC digests accepted in temporary URL signatures. */
  OBJECT_STORAGE_TEMPURL_DIGESTS: z
    .string()
    .default('sha1,sha256,sha512')
    .transform((text) => text.split(',').map((d) => d.trim().toLowerCase()))
    .pipe(z.array(z.enum(['sha1', 'sha256', 'sha512'])).min(1)),
});

export type ObjectStorageConfig = z.infer<typeof objectStorageConfigSchema>;
