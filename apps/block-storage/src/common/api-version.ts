import { cinderErrors } from './cinder-errors';

/** A Block Storage API microversion, 3.x. */
export class ApiVersion {
  constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  /** "3.27" -> 3.27; anything else is Cinder's InvalidAPIVersionString. */
  static parse(text: string): ApiVersion {
    const match = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim());
    if (!match) {
      throw cinderErrors.invalidInput(
        `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
      );
    }
    return new ApiVersion(Number(match[1]), Number(match[2]));
  }

  compare(other: ApiVersion): number {
    return this.major - other.major || this.minor - other.minor;
  }

  /** True when this request's version is `version` or later. */
  atLeast(version: string): boolean {
    return this.compare(ApiVersion.parse(version)) >= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

export const MIN_API_VERSION = new ApiVersion(3, 0);

/**
 * The highest microversion whose behaviour this service implements for every resource it serves
 * (see the README for what each version adds and which whole APIs are absent).
 */
export const MAX_API_VERSION = new ApiVersion(3, 70);

/** The date of the newest microversion we implement, for the version document. */
export const API_VERSION_UPDATED = '2022-08-31T00:00:00Z';

export class UnsupportedApiVersion extends Error {
  constructor(readonly requested: string) {
    super(
      `Version ${requested} is not supported by the API. Minimum is ${MIN_API_VERSION.toString()} and maximum is ${MAX_API_VERSION.toString()}.`,
    );
  }
}

/**
 * Reads the `OpenStack-API-Version: volume 3.x` header (a request without one gets 3.0; `latest`
 * the maximum). Other services' entries in the same header are ignored.
 */
export function requestedVersion(header: string | undefined): ApiVersion {
  if (!header) return MIN_API_VERSION;
  const entry = header
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .find(([service]) => service?.toLowerCase() === 'volume');
  if (!entry) return MIN_API_VERSION;
  const text = entry[1] ?? '';
  if (text.toLowerCase() === 'latest') return MAX_API_VERSION;
  const version = ApiVersion.parse(text);
  if (version.compare(MIN_API_VERSION) < 0 || version.compare(MAX_API_VERSION) > 0) {
    throw new UnsupportedApiVersion(version.toString());
  }
  return version;
}
