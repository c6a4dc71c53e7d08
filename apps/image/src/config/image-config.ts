import { platformConfigSchema } from '@stratus/platform';
import { hostname } from 'node:os';
import { z } from 'zod';

/** A byte or count limit where -1 means unlimited. */
const limit = z.coerce.number().int().min(-1);

export const imageConfigSchema = platformConfigSchema.extend({
  IMAGE_PORT: z.coerce.number().int().min(0).max(65535).default(9292),
  /** Folder of the filesystem store; defaults to <DATA_DIR>/images. */
  IMAGE_STORE_DIR: z.string().optional(),
  /** Folder for staged data (interoperable import); defaults to <DATA_DIR>/image-staging. */
  IMAGE_STAGING_DIR: z.string().optional(),
  /**
   * Names this process as the owner of its uploads and of its temporary files in the shared store
   * folders, so a restart takes back only what this process left unfinished. Replicas sharing a
   * database and folders need one name each (a pod's host name is).
   */
  IMAGE_NODE_ID: z.string().min(1).max(255).default(hostname()),
  /**
   * An upload (or import) whose owner has shown no sign of life for this long (seconds) is taken
   * for abandoned by its dead process: any replica puts the image back to queued and removes the
   * process's temporary files. Owners renew the sign four times in this period.
   */
  IMAGE_UPLOAD_STALE_SECONDS: z.coerce.number().int().positive().default(300),
  /** Glance's image_size_cap: the largest image accepted, in bytes (1 TiB). */
  IMAGE_SIZE_CAP: z.coerce.number().int().positive().default(1099511627776),
  /** Images a project may own (Glance's image_count_total); -1 is unlimited. */
  IMAGE_QUOTA_IMAGES: limit.default(100),
  /** Bytes of image data a project may store (Glance's image_size_total); -1 is unlimited. */
  IMAGE_QUOTA_BYTES: limit.default(100 * 1024 ** 3),
  /**
   * Per-project overrides as JSON: {"<project id>": {"images": 10, "bytes": 1073741824}}.
   * A missing field keeps the default.
   */
  IMAGE_QUOTA_OVERRIDES: z.string().optional(),
  /** Glance's image_member_quota, image_property_quota and image_tag_quota. */
  IMAGE_MEMBER_QUOTA: z.coerce.number().int().min(-1).default(128),
  IMAGE_PROPERTY_QUOTA: z.coerce.number().int().min(-1).default(128),
  IMAGE_TAG_QUOTA: z.coerce.number().int().min(-1).default(128),
  /** Glance's limit_param_default and api_limit_max for image lists. */
  IMAGE_LIST_LIMIT_DEFAULT: z.coerce.number().int().positive().default(25),
  IMAGE_LIST_LIMIT_MAX: z.coerce.number().int().positive().default(1000),
  /**
   * What a web-download import may fetch (Glance's import_filtering_opts), comma-separated:
   * schemes, ports, and hosts it must never reach (the metadata service, internal endpoints).
   */
  IMAGE_WEB_DOWNLOAD_ALLOWED_SCHEMES: z.string().default('http,https'),
  IMAGE_WEB_DOWNLOAD_ALLOWED_PORTS: z.string().default('80,443'),
  IMAGE_WEB_DOWNLOAD_DISALLOWED_HOSTS: z.string().default('169.254.169.254'),
  /** Public URL of this service for version documents; defaults to the request's host. */
  IMAGE_PUBLIC_ENDPOINT: z.string().url().optional(),
});

export type ImageConfig = z.infer<typeof imageConfigSchema>;
