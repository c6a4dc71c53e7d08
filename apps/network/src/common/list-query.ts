import { badRequest, DomainError } from '@stratus/platform';
import type { ObjectLiteral, SelectQueryBuilder, WhereExpressionBuilder } from 'typeorm';

/** An attribute of the API that maps to one SQL expression, so it can be filtered and sorted in the database. */
export interface ListAttribute {
  sql: string;
  type: 'string' | 'boolean' | 'integer';
  /** Admin-only attributes (provider:*, binding:*) cannot be used by others to probe values. */
  adminOnly?: boolean;
  /** Timestamps sort but are not compared as filters (Neutron has changed_since for that). */
  sortOnly?: boolean;
}

/** A filter that needs more than a column comparison (a subquery on another table, say). */
export type CustomFilter = (
  where: WhereExpressionBuilder,
  values: string[],
  param: (value: unknown) => string,
) => void;

export interface ListSpec {
  /** Table alias used in `sql` expressions. */
  alias: string;
  attributes: Record<string, ListAttribute>;
  custom?: Record<string, CustomFilter>;
  tagged?: boolean;
  notFound: (id: string) => DomainError;
}

export interface SortKey {
  attribute: string;
  descending: boolean;
}

export interface TagFilters {
  all: string[];
  any: string[];
  notAll: string[];
  notAny: string[];
}

export interface ListRequest {
  filters: Map<string, string[]>;
  fields?: string[];
  sort: SortKey[];
  limit?: number;
  marker?: string;
  pageReverse: boolean;
  tags: TagFilters;
  /** The query as sent, for building next/previous links. */
  raw: URLSearchParams;
}

const CONTROL = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);
const TAG_PARAMS: Record<string, keyof TagFilters> = {
  tags: 'all',
  'tags-any': 'any',
  'not-tags': 'notAll',
  'not-tags-any': 'notAny',
};

/**
 * Reads Neutron's list query: `attr=value` filters (repeat for OR), `fields=`, `sort_key`/`sort_dir`,
 * `limit`/`marker`/`page_reverse` and the tag filters. Unknown filters answer 400, as Neutron's
 * filter-validation does, rather than silently returning everything.
 */
export function parseListRequest(query: URLSearchParams, spec: ListSpec, isAdmin: boolean): ListRequest {
  const filters = new Map<string, string[]>();
  const tags: TagFilters = { all: [], any: [], notAll: [], notAny: [] };
  for (const key of new Set(query.keys())) {
    if (CONTROL.has(key)) continue;
    const values = query.getAll(key);
    const tagParam = TAG_PARAMS[key];
    if (tagParam && spec.tagged) {
      tags[tagParam].push(...values.flatMap((v) => v.split(',')).filter((t) => t !== ''));
      continue;
    }
    const attribute = key === 'tenant_id' ? 'project_id' : key;
    const known = spec.attributes[attribute];
    if ((!known || known.sortOnly || (known.adminOnly && !isAdmin)) && !spec.custom?.[attribute]) {
      throw badRequest(`${key} is invalid attribute for filtering`);
    }
    filters.set(attribute, [...(filters.get(attribute) ?? []), ...values]);
  }
  const sortKeys = query.getAll('sort_key');
  const sortDirs = query.getAll('sort_dir');
  if (sortDirs.length && sortDirs.length !== sortKeys.length) {
    throw badRequest('The number of sort_keys and sort_dirs must be same');
  }
  const sort = sortKeys.map((attribute, i) => {
    const known = spec.attributes[attribute];
    if (!known || (known.adminOnly && !isAdmin))
      throw badRequest(`${attribute} is invalid attribute for sort_keys`);
    const dir = (sortDirs[i] ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc')
      throw badRequest(`${sortDirs[i]} is invalid value for sort_dirs, valid values are 'asc' and 'desc'`);
    return { attribute, descending: dir === 'desc' };
  });
  const limitText = query.get('limit');
  let limit: number | undefined;
  if (limitText !== null) {
    if (!/^\d+$/.test(limitText))
      throw badRequest(`Limit must be an integer 0 or greater and not '${limitText}'`);
    limit = Number(limitText) || undefined;
  }
  const fields = query
    .getAll('fields')
    .flatMap((f) => f.split(','))
    .filter((f) => f !== '');
  return {
    filters,
    fields: fields.length ? fields : undefined,
    sort,
    limit,
    marker: query.get('marker') ?? undefined,
    pageReverse: parseQueryBoolean('page_reverse', query.get('page_reverse') ?? 'false'),
    tags,
    raw: query,
  };
}

export function parseQueryBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw badRequest(`Invalid input for ${name}. Reason: '${value}' is not a valid boolean value.`);
}

/** Numbers the parameters of one query so filters, tags and markers never clash. */
export class ParamCounter {
  private next = 0;
  readonly values: Record<string, unknown> = {};

  add(value: unknown): string {
    const name = `p${this.next++}`;
    this.values[name] = value;
    return name;
  }
}

function coerce(attribute: string, spec: ListAttribute, value: string): unknown {
  if (spec.type === 'boolean') return parseQueryBoolean(attribute, value) ? 1 : 0;
  if (spec.type === 'integer') {
    if (!/^-?\d+$/.test(value))
      throw badRequest(`Invalid input for ${attribute}. Reason: '${value}' is not an integer.`);
    return Number(value);
  }
  return value;
}

/** Adds the request's filters and tag filters to a query whose visibility rules are already in place. */
export function applyFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  request: ListRequest,
  spec: ListSpec,
  params: ParamCounter,
): void {
  for (const [attribute, values] of request.filters) {
    const custom = spec.custom?.[attribute];
    if (custom) {
      custom(qb, values, (value) => params.add(value));
      continue;
    }
    const column = spec.attributes[attribute];
    const coerced = values.map((v) => coerce(attribute, column, v));
    const names = coerced.map((v) => `:${params.add(v)}`);
    qb.andWhere(`${column.sql} IN (${names.join(', ')})`);
  }
  const tagged = (tags: string[], mode: 'all' | 'any') => {
    const exists = (tagParams: string) =>
      `EXISTS (SELECT 1 FROM resource_tag rt WHERE rt.resource_id = ${spec.alias}.id AND rt.tag IN (${tagParams}))`;
    if (mode === 'any') return exists(tags.map((t) => `:${params.add(t)}`).join(', '));
    return tags.map((t) => exists(`:${params.add(t)}`)).join(' AND ');
  };
  const { all, any, notAll, notAny } = request.tags;
  if (all.length) qb.andWhere(tagged(all, 'all'));
  if (any.length) qb.andWhere(tagged(any, 'any'));
  if (notAll.length) qb.andWhere(`NOT (${tagged(notAll, 'all')})`);
  if (notAny.length) qb.andWhere(`NOT (${tagged(notAny, 'any')})`);
}

export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

/**
 * Sorts (the id last, so order is total) and pages by keyset: the marker row's sort values bound
 * the next page, which stays correct while rows are added or removed between requests.
 */
export async function fetchPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  request: ListRequest,
  spec: ListSpec,
  params: ParamCounter,
): Promise<Page<T>> {
  const keys = [
    ...request.sort.map((k) => ({ sql: spec.attributes[k.attribute].sql, descending: k.descending })),
    { sql: `${spec.alias}.id`, descending: request.sort.length ? request.sort[0].descending : false },
  ].map((k) => ({ ...k, descending: request.pageReverse ? !k.descending : k.descending }));
  if (request.marker !== undefined) {
    const markerQuery = qb
      .clone()
      .select(keys.map((k, i) => `${k.sql} AS k${i}`))
      .where(`${spec.alias}.id = :marker`, { marker: request.marker })
      .orderBy()
      .limit(1);
    const marker = await markerQuery.getRawOne<Record<string, unknown>>();
    if (!marker) throw spec.notFound(request.marker);
    const clauses = keys.map((key, i) => {
      const equalities = keys.slice(0, i).map((prior, j) => `${prior.sql} = :${params.add(marker[`k${j}`])}`);
      const after = `${key.sql} ${key.descending ? '<' : '>'} :${params.add(marker[`k${i}`])}`;
      return `(${[...equalities, after].join(' AND ')})`;
    });
    qb.andWhere(`(${clauses.join(' OR ')})`);
  }
  keys.forEach((key, i) => {
    if (i === 0) qb.orderBy(key.sql, key.descending ? 'DESC' : 'ASC');
    else qb.addOrderBy(key.sql, key.descending ? 'DESC' : 'ASC');
  });
  qb.setParameters(params.values);
  if (request.limit !== undefined) qb.limit(request.limit + 1);
  const rows = await qb.getMany();
  const hasMore = request.limit !== undefined && rows.length > request.limit;
  const page = hasMore ? rows.slice(0, request.limit) : rows;
  if (request.pageReverse) page.reverse();
  return { rows: page, hasMore };
}

/** `fields=` keeps only the named attributes of each resource. */
export function selectFields<V extends Record<string, unknown>>(
  view: V,
  fields?: string[],
): Record<string, unknown> {
  if (!fields) return view;
  return Object.fromEntries(fields.filter((f) => f in view).map((f) => [f, view[f]]));
}

export interface PageLink {
  rel: 'next' | 'previous';
  href: string;
}

/** Neutron's `<collection>_links`: a next link when more rows follow, a previous one when a marker was given. */
export function pageLinks(
  baseUrl: string,
  request: ListRequest,
  page: { ids: string[]; hasMore: boolean },
): PageLink[] {
  if (request.limit === undefined || page.ids.length === 0) return [];
  const link = (rel: 'next' | 'previous', marker: string): PageLink => {
    const query = new URLSearchParams(request.raw);
    query.set('limit', String(request.limit));
    query.set('marker', marker);
    if (rel === 'previous') query.set('page_reverse', 'True');
    else query.delete('page_reverse');
    return { rel, href: `${baseUrl}?${query.toString()}` };
  };
  const first = page.ids[0];
  const last = page.ids[page.ids.length - 1];
  const links: PageLink[] = [];
  const forwardMore = request.pageReverse ? request.marker !== undefined : page.hasMore;
  const backwardMore = request.pageReverse ? page.hasMore : request.marker !== undefined;
  if (forwardMore) links.push(link('next', last));
  if (backwardMore) links.push(link('previous', first));
  return links;
}
