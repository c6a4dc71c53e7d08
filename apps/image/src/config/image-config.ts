import { platformConfigSchema } from '@stratus/platform';
import { z } from 'zod';

/** A byte or count limit where -1 means unlimited. */
const limit = z.coerce.number().int().min(-1);

export const imageConfigSchema = platformConfigSchema.extend({
  IMAGE_PORT: z.coerce.number().int().min(0).max(65535).default(9292),
  /** Folder of the filesystem store; defaults to <DATA_DIR>/images. */
  IMAGE_STORE_DIR: z.string().optional(),
  /** Folder for staged data (interoperable import); defaults to <DATA_DIR>/image-staging. */
  IMAGE_STAGING_DIR: z.string().optional(),
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
  /** Public URL of this service for version documents; defaults to the request's host. */
  IMAGE_PUBLIC_ENDPOINT: z.string().url().optional(),
});

export type ImageConfig = z.infer<typeof imageConfigSchema>;
