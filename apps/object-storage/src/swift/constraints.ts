import { swiftError } from './swift-errors';

/** Swift's constraints (swift.conf [swift-constraints]), with Swift's default values. */
export const CONSTRAINTS = {
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaCount: 90,
  maxMetaOverallSize: 4096,
  maxHeaderSize: 8192,
  maxObjectNameLength: 1024,
  containerListingLimit: 10000,
  accountListingLimit: 10000,
  maxAccountNameLength: 256,
  maxContainerNameLength: 256,
  validApiVersions: ['v1', 'v1.0'],
} as const;

/** Static large objects: Swift's slo middleware defaults. */
export const SLO_LIMITS = {
  maxManifestSegments: 1000,
  maxManifestSize: 8 * 1024 * 1024,
  minSegmentSize: 1,
  /** Manifests that point at manifests, at most this deep. */
  maxNesting: 10,
} as const;

export const BULK_LIMITS = {
  maxDeletesPerRequest: 10000,
  maxFailedDeletes: 1000,
  maxContainersPerExtraction: 10000,
  maxFailedExtractions: 1000,
  /** A path in a bulk delete body is at most this long (Swift: object name + container name + 2). */
  maxPathLength: CONSTRAINTS.maxObjectNameLength + CONSTRAINTS.maxContainerNameLength + 2,
} as const;

/** The account prefix keystoneauth serves: AUTH_<project id>. */
export const RESELLER_PREFIX = 'AUTH_';

/** The only storage policy: Swift names the default one Policy-0. */
export const STORAGE_POLICY = 'Policy-0';

/** check_object_creation's name rule: at most 1024 bytes of UTF-8. */
export function checkObjectName(name: string): void {
  const length = Buffer.byteLength(name, 'utf8');
  if (length > CONSTRAINTS.maxObjectNameLength) {
    throw swiftError(400, `Object name length of ${length} longer than ${CONSTRAINTS.maxObjectNameLength}`);
  }
}
