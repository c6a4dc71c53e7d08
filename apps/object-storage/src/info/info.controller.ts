import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '@stratus/platform';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import { BULK_LIMITS, CONSTRAINTS, SLO_LIMITS, STORAGE_POLICY } from '../swift/constraints';

/** GET /info: what this cluster supports and its limits, as Swift's proxy publishes them. */
@Controller('info')
export class InfoController {
  constructor(@Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig) {}

  @Public()
  @Get()
  info() {
    return {
      swift: {
        version: '2.35.0',
        max_file_size: this.config.OBJECT_STORAGE_MAX_FILE_SIZE,
        max_meta_name_length: CONSTRAINTS.maxMetaNameLength,
        max_meta_value_length: CONSTRAINTS.maxMetaValueLength,
        max_meta_count: CONSTRAINTS.maxMetaCount,
        max_meta_overall_size: CONSTRAINTS.maxMetaOverallSize,
        max_header_size: CONSTRAINTS.maxHeaderSize,
        max_object_name_length: CONSTRAINTS.maxObjectNameLength,
        container_listing_limit: CONSTRAINTS.containerListingLimit,
        account_listing_limit: CONSTRAINTS.accountListingLimit,
        max_account_name_length: CONSTRAINTS.maxAccountNameLength,
        max_container_name_length: CONSTRAINTS.maxContainerNameLength,
        extra_header_count: 0,
        valid_api_versions: CONSTRAINTS.validApiVersions,
        strict_cors_mode: true,
        allow_account_management: false,
        account_autocreate: true,
        policies: [{ name: STORAGE_POLICY, aliases: STORAGE_POLICY, default: true }],
      },
      slo: {
        max_manifest_segments: SLO_LIMITS.maxManifestSegments,
        max_manifest_size: SLO_LIMITS.maxManifestSize,
        min_segment_size: SLO_LIMITS.minSegmentSize,
        yield_frequency: 10,
        allow_async_delete: false,
      },
      dlo: { max_segments: 10000 },
      tempurl: {
        methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
        incoming_remove_headers: ['x-timestamp'],
        incoming_allow_headers: [],
        outgoing_remove_headers: ['x-object-meta-*'],
        outgoing_allow_headers: ['x-object-meta-public-*'],
        allowed_digests: this.config.OBJECT_STORAGE_TEMPURL_DIGESTS,
      },
      bulk_delete: {
        max_deletes_per_request: BULK_LIMITS.maxDeletesPerRequest,
        max_failed_deletes: BULK_LIMITS.maxFailedDeletes,
      },
      bulk_upload: {
        max_containers_per_extraction: BULK_LIMITS.maxContainersPerExtraction,
        max_failed_extractions: BULK_LIMITS.maxFailedExtractions,
      },
      formpost: { allowed_digests: this.config.OBJECT_STORAGE_TEMPURL_DIGESTS },
      container_quotas: {},
      versioned_writes: { allowed_flags: ['x-versions-location', 'x-history-location'] },
    };
  }
}
