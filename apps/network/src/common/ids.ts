import { randomUUID } from 'node:crypto';

/** Neutron ids are dashed UUID4s. */
export function newId(): string {
  return randomUUID();
}

/** The database keeps whole seconds, so views built from memory match what a later read returns. */
export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Neutron's timestamp form: ISO 8601 in UTC without fractions. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
