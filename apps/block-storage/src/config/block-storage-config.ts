import { platformConfigSchema } from '@stratus/platform';
import { hostname } from 'node:os';
import { z } from 'zod';

const quota = (fallback: number) => z.coerce.number().int().min(-1).default(fallback);

export const blockStorageConfigSchema = platformConfigSchema.extend({
  BLOCK_STORAGE_PORT: z.coerce.number().int().min(0).max(65535).default(8776),
  /** Folder holding the volume files, shared with every compute host; defaults to <DATA_DIR>/volumes. */
  BLOCK_STORAGE_VOLUMES_DIR: z.string().optional(),
  /** Format of new volume files: raw (sparse) or qcow2. */
  BLOCK_STORAGE_VOLUME_FORMAT: z.enum(['raw', 'qcow2']).default('raw'),
  /**
   * Cinder's `host`: volumes show `<host>@<backend>#<backend>`; this process settles that host's
   * unfinished work when it starts, and any process does once that host is down.
   */
  BLOCK_STORAGE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., - and _ only')
    .default(hostname()),
  /**
   * Cinder's service_down_time: a process whose heartbeat is older than this shows `down` in the
   * service list, and any other process settles the operations it left in flight.
   */
  BLOCK_STORAGE_SERVICE_DOWN_SECONDS: z.coerce.number().int().positive().default(60),
  /** Cinder's volume_backend_name. */
  BLOCK_STORAGE_BACKEND_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., - and _ only')
    .default('file'),
  /** Cinder's storage_availability_zone. */
  BLOCK_STORAGE_AVAILABILITY_ZONE: z.string().min(1).max(255).default('nova'),
  /** Cinder's default_volume_type, created at start-up when missing. */
  BLOCK_STORAGE_DEFAULT_VOLUME_TYPE: z.string().min(1).max(255).default('__DEFAULT__'),
  /** The image service's endpoint, for downloading images into volumes and uploading volumes as images. */
  BLOCK_STORAGE_IMAGE_URL: z.string().url().default('http://127.0.0.1:9292'),
  /**
   * The object storage service's endpoint (scheme, host and port): backups go to the caller's Swift
   * account there, with the caller's token, as Cinder's Swift backup driver does with per_user auth.
   */
  BLOCK_STORAGE_OBJECT_STORE_URL: z.string().url().default('http://127.0.0.1:8080'),
  /** Size of each backup object before compression (Cinder's backup_swift_object_size), in MiB. */
  BLOCK_STORAGE_BACKUP_CHUNK_MIB: z.coerce.number().int().min(1).max(1024).default(32),
  /** Scratch folder for images being downloaded or uploaded; defaults to <DATA_DIR>/conversion. */
  BLOCK_STORAGE_CONVERSION_DIR: z.string().optional(),
  BLOCK_STORAGE_QEMU_IMG: z.string().default('qemu-img'),
  /** Seconds a qemu-img conversion may take before the operation fails. */
  BLOCK_STORAGE_CONVERSION_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(3600),
  /** Cinder's osapi_max_limit: the most items one list page holds. */
  BLOCK_STORAGE_LIST_LIMIT_MAX: z.coerce.number().int().positive().default(1000),
  /** Days a user message is kept (Cinder's message_ttl, in days here). */
  BLOCK_STORAGE_MESSAGE_TTL_DAYS: z.coerce.number().int().positive().default(30),
  /** Public URL of this service for links; defaults to the request's host. */
  BLOCK_STORAGE_PUBLIC_ENDPOINT: z.string().url().optional(),
  /** Cinder's quota defaults (the `default` quota class); -1 is unlimited. */
  BLOCK_STORAGE_QUOTA_VOLUMES: quota(10),
  BLOCK_STORAGE_QUOTA_SNAPSHOTS: quota(10),
  BLOCK_STORAGE_QUOTA_GIGABYTES: quota(1000),
  BLOCK_STORAGE_QUOTA_BACKUPS: quota(10),
  BLOCK_STORAGE_QUOTA_BACKUP_GIGABYTES: quota(1000),
  BLOCK_STORAGE_QUOTA_GROUPS: quota(10),
  BLOCK_STORAGE_QUOTA_PER_VOLUME_GIGABYTES: quota(-1),
});

export type BlockStorageConfig = z.infer<typeof blockStorageConfigSchema>;
