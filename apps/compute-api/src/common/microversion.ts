/** A compute API microversion, "2.53": compared numerically, part by part. */
export class Microversion {
  constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  static parse(text: string): Microversion | null {
    const match = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text.trim());
    return match ? new Microversion(Number(match[1]), Number(match[2])) : null;
  }

  compare(other: Microversion): number {
    return this.major - other.major || this.minor - other.minor;
  }

  /** True when this request's version is `version` or later: `mv.atLeast('2.47')`. */
  atLeast(version: string): boolean {
    const other = Microversion.parse(version);
    if (!other) throw new Error(`bad microversion literal ${version}`);
    return this.compare(other) >= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

export const MIN_MICROVERSION = new Microversion(2, 1);
/** The newest microversion whose behaviour this service implements for every resource it serves. */
export const MAX_MICROVERSION = new Microversion(2, 53);

export const VERSION_HEADER = 'OpenStack-API-Version';
export const LEGACY_VERSION_HEADER = 'X-OpenStack-Nova-API-Version';

export type MicroversionRequest =
  { ok: true; version: Microversion } | { ok: false; status: 400 | 406; message: string };

type Headers = Record<string, string | string[] | undefined>;

function headerValues(headers: Headers, name: string): string[] {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
}

/**
 * The version a request asks for, as Nova reads it: the `compute` entry of OpenStack-API-Version
 * wins over the legacy X-OpenStack-Nova-API-Version; neither means 2.1; `latest` means the maximum.
 */
export function requestedMicroversion(headers: Headers): MicroversionRequest {
  const fromNewHeader = headerValues(headers, VERSION_HEADER)
    .map((entry) => entry.trim().split(/\s+/))
    .find(([service]) => service?.toLowerCase() === 'compute')?.[1];
  const text = fromNewHeader ?? headerValues(headers, LEGACY_VERSION_HEADER)[0]?.trim();
  if (text === undefined || text === '') return { ok: true, version: MIN_MICROVERSION };
  if (text.toLowerCase() === 'latest') return { ok: true, version: MAX_MICROVERSION };
  const version = Microversion.parse(text);
  if (!version) {
    return {
      ok: false,
      status: 400,
      message: `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    };
  }
  if (version.compare(MIN_MICROVERSION) < 0 || version.compare(MAX_MICROVERSION) > 0) {
    return {
      ok: false,
      status: 406,
      message: `Version ${text} is not supported by the API. Minimum is ${MIN_MICROVERSION} and maximum is ${MAX_MICROVERSION}.`,
    };
  }
  return { ok: true, version };
}
