/**
 * Swift's timestamps: seconds with five decimals ("1700000000.12345"). Kept as integer
 * microseconds (multiples of 10) so every database stores them exactly.
 */
export type Micros = number;

let last: Micros = 0;

/** A timestamp later than any this process handed out before, so writes order by time. */
export function nextTimestamp(now = Date.now()): Micros {
  const candidate = now * 1000;
  last = Math.max(candidate, last + 10);
  return last;
}

/** X-Timestamp and Timestamp.internal: '%016.05f'. */
export function xTimestamp(micros: Micros): string {
  return (micros / 1e6).toFixed(5).padStart(16, '0');
}

/** Last-Modified is the timestamp rounded up to whole seconds, as an HTTP date. */
export function lastModifiedSeconds(micros: Micros): number {
  return Math.ceil(micros / 1e6);
}

export function httpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}

export function lastModified(micros: Micros): string {
  return httpDate(lastModifiedSeconds(micros));
}

/** Listings show last_modified as ISO 8601 with microseconds and no zone: "2024-01-02T03:04:05.123450". */
export function listingTimestamp(micros: Micros): string {
  const date = new Date(Math.floor(micros / 1000));
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${date.toISOString().slice(0, 19)}.${fraction}`;
}

/** An HTTP date header as whole seconds, or undefined when absent or unparseable (then ignored). */
export function parseHttpDate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
