/** Rows keep whole seconds, so a view built from memory matches what a later read returns. */
export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Cinder's timestamps: ISO 8601 in UTC with microseconds and no zone suffix. */
export function cinderTime(date: Date): string;
export function cinderTime(date: Date | null): string | null;
export function cinderTime(date: Date | null): string | null {
  return date ? date.toISOString().replace(/\.(\d{3})Z$/, '.$1000') : null;
}
