/**
 * Rows keep milliseconds (datetime(3)), so a view built from memory matches what a later read
 * returns, and things made in the same second (two snapshots) still have an order.
 */
export function currentTime(): Date {
  return new Date();
}

/** Cinder's timestamps: ISO 8601 in UTC with microseconds and no zone suffix. */
export function cinderTime(date: Date): string;
export function cinderTime(date: Date | null): string | null;
export function cinderTime(date: Date | null): string | null {
  return date ? date.toISOString().replace(/\.(\d{3})Z$/, '.$1000') : null;
}
