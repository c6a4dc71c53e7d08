import { badRequest } from '@stratus/platform';
import { z } from 'zod';

function describeValue(value: unknown): string {
  if (value === undefined) return 'None';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let current = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Validates a request body; like Nova's JSON-schema check, a failure is a 400 naming the attribute. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.map(String).join('.') : 'request body';
  throw badRequest(
    `Invalid input for field/attribute ${field}. Value: ${describeValue(valueAt(body, issue.path))}. ${issue.message}`,
  );
}

export function queryString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string');
  return undefined;
}

export function queryStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

/** oslo's bool_from_string in strict mode: anything else is a 400. */
export function queryBool(value: unknown, name: string): boolean | undefined {
  const text = queryString(value);
  if (text === undefined) return undefined;
  const normal = text.trim().toLowerCase();
  if (TRUE.includes(normal)) return true;
  if (FALSE.includes(normal)) return false;
  throw badRequest(`Invalid value '${text}' for ${name}: it must be a boolean.`);
}

/** all_tenants is on when present, unless it says false: Nova's reading of the flag. */
export function queryFlag(value: unknown): boolean {
  const text = queryString(value);
  if (text === undefined) return false;
  return !FALSE.includes(text.trim().toLowerCase());
}

export interface PageRequest {
  limit: number;
  marker?: string;
}

/** Nova's limit and marker: a limit that is not a non-negative integer is a 400; none means max_limit. */
export function pageRequest(query: Record<string, unknown>, maxLimit: number): PageRequest {
  const text = queryString(query.limit);
  let limit = maxLimit;
  if (text !== undefined) {
    if (!/^-?\d+$/.test(text.trim())) throw badRequest('limit param must be an integer');
    const parsed = Number(text);
    if (parsed < 0) throw badRequest('limit param must be positive');
    limit = Math.min(parsed || maxLimit, maxLimit);
  }
  return { limit, marker: queryString(query.marker) };
}

/**
 * One page of `items` after `marker` (by `idOf`); an unknown marker is a 400, as in Nova.
 * `more` tells whether the page was cut by the limit, which is when Nova adds a next link.
 */
export function paginate<T>(
  items: T[],
  page: PageRequest,
  idOf: (item: T) => string,
  markerNotFound: (marker: string) => Error,
): { items: T[]; more: boolean } {
  let start = 0;
  if (page.marker !== undefined) {
    const index = items.findIndex((item) => idOf(item) === page.marker);
    if (index < 0) throw markerNotFound(page.marker);
    start = index + 1;
  }
  const slice = items.slice(start, start + page.limit);
  return { items: slice, more: slice.length === page.limit && slice.length > 0 };
}

/** Nova's ISO-8601 timestamps: seconds, a Z. */
export function isoTime(date: Date | null | undefined): string | null {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

/** The OS-SRV-USG and instance action format: microseconds, no zone. */
export function usageTime(date: Date | null | undefined): string | null {
  return date ? date.toISOString().replace(/Z$/, '000') : null;
}

/** Parses a changes-since style timestamp; a value that is not ISO 8601 is a 400. */
export function queryTime(value: unknown, name: string): Date | undefined {
  const text = queryString(value);
  if (text === undefined) return undefined;
  const normal = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const date = new Date(normal);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw badRequest(`Invalid filter field: ${name}.`);
  }
  return date;
}
