import type { DomainError } from '@stratus/platform';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ApiVersion } from './api-version';
import { cinderErrors } from './cinder-errors';

export type FilterType = 'string' | 'integer' | 'boolean' | 'time' | 'metadata';

export interface FilterSpec {
  type: FilterType;
  /** The SQL expression compared (for metadata: unused). */
  sql?: string;
  /** For metadata filters: the key/value table and its owner column, matched on the alias's id. */
  table?: string;
  ownerColumn?: string;
  /** The microversion from which clients may use the filter. */
  minVersion?: string;
}

export interface ListSpec {
  alias: string;
  /** API sort keys and the column each sorts by. */
  sortKeys: Record<string, string>;
  defaultSort: { key: string; descending: boolean }[];
  filters: Record<string, FilterSpec>;
  markerNotFound: (marker: string) => DomainError;
}

export interface ParsedFilter {
  name: string;
  spec: FilterSpec;
  /** eq: equality (or IN for several values); like: the `name~` form (3.34); cmp: time comparisons. */
  mode: 'eq' | 'like' | 'cmp';
  values: unknown[];
  comparisons?: { op: string; value: Date }[];
  metadata?: Record<string, string>;
}

export interface ListRequest {
  filters: ParsedFilter[];
  sort: { sql: string; descending: boolean }[];
  limit: number;
  /** True when the client asked for a limit (links are only given then or at the maximum). */
  limited: boolean;
  marker?: string;
  offset?: number;
  withCount: boolean;
  /** Admins only: every project's resources, or one named project's. */
  allTenants: boolean;
  projectId?: string;
  /** The query as sent, for next links. */
  raw: URLSearchParams;
}

const PAGING_KEYS = new Set(['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'with_count']);
const SCOPE_KEYS = new Set(['all_tenants', 'project_id']);
const TIME_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);
const SQL_OP: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' };

function bool(text: string, name: string): boolean {
  const lower = text.trim().toLowerCase();
  if (['true', 't', 'yes', 'y', 'on', '1'].includes(lower)) return true;
  if (['false', 'f', 'no', 'n', 'off', '0'].includes(lower)) return false;
  throw cinderErrors.invalidInput(`Invalid value '${text}' for ${name}: it is not a boolean.`);
}

function nonNegative(text: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw cinderErrors.invalidInput(`${name} param must be an integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw cinderErrors.invalidInput(`${name} param is too large`);
  return value;
}

/**
 * Metadata filters come as JSON (`{"k": "v"}`) or, from cinderclient, as a Python dict literal
 * (`{'k': 'v'}`); both are read as a map of strings.
 */
export function parseMetadataFilter(text: string, name: string): Record<string, string> {
  const attempts = [text, text.replace(/'/g, '"')];
  for (const attempt of attempts) {
    try {
      const parsed = JSON.parse(attempt) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      }
    } catch {
      // Try the next form.
    }
  }
  throw cinderErrors.invalidInput(`Invalid ${name} filter: ${text}`);
}

function parseTimeFilter(text: string, name: string): { op: string; value: Date }[] {
  return text.split(',').map((part) => {
    const [op, ...rest] = part.split(':');
    const valueText = rest.join(':');
    const value = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(valueText) ? valueText : `${valueText}Z`);
    if (!TIME_OPS.has(op) || !valueText || Number.isNaN(value.getTime())) {
      throw cinderErrors.invalidInput(
        `Invalid ${name} filter '${part}': expected <gt|gte|lt|lte|eq|neq>:<ISO 8601 time>.`,
      );
    }
    return { op, value };
  });
}

function parseSort(query: URLSearchParams, spec: ListSpec): { sql: string; descending: boolean }[] {
  const sort = query.get('sort');
  const sortKey = query.get('sort_key');
  const sortDir = query.get('sort_dir');
  if (sort !== null && (sortKey !== null || sortDir !== null)) {
    throw cinderErrors.invalidInput(
      "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    );
  }
  const entries: { key: string; dir: string }[] = [];
  if (sort !== null) {
    for (const part of sort.split(',').filter((p) => p.trim() !== '')) {
      const [key, dir = 'desc'] = part.trim().split(':');
      entries.push({ key: key.trim(), dir: dir.trim().toLowerCase() });
    }
  } else if (sortKey !== null || sortDir !== null) {
    const keys = (sortKey ?? 'created_at').split(',');
    const dirs = (sortDir ?? 'desc').split(',');
    keys.forEach((key, i) =>
      entries.push({ key: key.trim(), dir: (dirs[i] ?? dirs[0]).trim().toLowerCase() }),
    );
  }
  const chosen = entries.length
    ? entries
    : spec.defaultSort.map((s) => ({ key: s.key, dir: s.descending ? 'desc' : 'asc' }));
  return chosen.map(({ key, dir }) => {
    const sql = spec.sortKeys[key === 'display_name' ? 'name' : key];
    if (!sql) throw cinderErrors.invalidInput(`Invalid sort key ${key}`);
    if (dir !== 'asc' && dir !== 'desc') {
      throw cinderErrors.invalidInput("Unknown sort direction, must be 'desc' or 'asc'");
    }
    return { sql, descending: dir === 'desc' };
  });
}

/**
 * Reads a Cinder list query: filters (with `name~` LIKE filters from 3.34 and time comparisons from
 * 3.60), sort or sort_key/sort_dir, limit/marker/offset and with_count (3.45). Unknown filters are
 * ignored before 3.31, as Cinder drops them, and refused with 400 from 3.31 on.
 */
export function parseListRequest(
  query: URLSearchParams,
  spec: ListSpec,
  context: { version: ApiVersion; isAdmin: boolean; maxLimit: number },
): ListRequest {
  const filters: ParsedFilter[] = [];
  const invalid: string[] = [];
  for (const name of new Set(query.keys())) {
    if (PAGING_KEYS.has(name) || SCOPE_KEYS.has(name)) continue;
    const like = name.endsWith('~');
    const base = like ? name.slice(0, -1) : name;
    const key = base === 'display_name' ? 'name' : base;
    const filterSpec = spec.filters[key];
    const usable =
      filterSpec &&
      (!filterSpec.minVersion || context.version.atLeast(filterSpec.minVersion)) &&
      (!like || (context.version.atLeast('3.34') && filterSpec.type === 'string'));
    if (!usable) {
      invalid.push(name);
      continue;
    }
    const text = query.getAll(name).at(-1) ?? '';
    if (like) {
      filters.push({ name: key, spec: filterSpec, mode: 'like', values: [text] });
    } else if (filterSpec.type === 'metadata') {
      filters.push({
        name: key,
        spec: filterSpec,
        mode: 'eq',
        values: [],
        metadata: parseMetadataFilter(text, key),
      });
    } else if (filterSpec.type === 'time') {
      if (!context.version.atLeast('3.60')) {
        invalid.push(name);
        continue;
      }
      filters.push({
        name: key,
        spec: filterSpec,
        mode: 'cmp',
        values: [],
        comparisons: parseTimeFilter(text, key),
      });
    } else if (filterSpec.type === 'boolean') {
      filters.push({ name: key, spec: filterSpec, mode: 'eq', values: [bool(text, key)] });
    } else if (filterSpec.type === 'integer') {
      filters.push({ name: key, spec: filterSpec, mode: 'eq', values: [nonNegative(text, key)] });
    } else {
      filters.push({ name: key, spec: filterSpec, mode: 'eq', values: text.split(',') });
    }
  }
  if (invalid.length && context.version.atLeast('3.31')) {
    throw cinderErrors.invalidInput(`Invalid filters ${invalid.join(',')} are found in query options.`);
  }
  const limitText = query.get('limit');
  const limit =
    limitText === null ? context.maxLimit : Math.min(nonNegative(limitText, 'limit'), context.maxLimit);
  const offsetText = query.get('offset');
  const allTenantsText = query.get('all_tenants');
  const allTenants =
    context.isAdmin &&
    allTenantsText !== null &&
    (allTenantsText === '' || bool(allTenantsText, 'all_tenants'));
  const projectId = context.isAdmin ? (query.get('project_id') ?? undefined) : undefined;
  const withCountText = query.get('with_count');
  return {
    filters,
    sort: parseSort(query, spec),
    limit,
    limited: limitText !== null,
    marker: query.get('marker') ?? undefined,
    offset: offsetText === null ? undefined : nonNegative(offsetText, 'offset'),
    withCount: context.version.atLeast('3.45') && withCountText !== null && bool(withCountText, 'with_count'),
    allTenants: allTenants || projectId !== undefined,
    projectId,
    raw: query,
  };
}

/**
 * Named parameters for one part of a query. Filters and the marker's keyset each have their own
 * prefix: with one shared prefix the marker's values replaced the filters' (a filtered list's
 * second page then matched other rows).
 */
class Params {
  private n = 0;
  readonly values: Record<string, unknown> = {};
  constructor(private readonly prefix: string) {}
  add(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.values[name] = value;
    return `:${name}`;
  }
}

/** Applies the parsed filters to a query on `spec.alias`. */
export function applyFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  request: ListRequest,
  spec: ListSpec,
): void {
  const params = new Params('lf');
  for (const filter of request.filters) {
    const { spec: f } = filter;
    if (filter.metadata) {
      for (const [key, value] of Object.entries(filter.metadata)) {
        qb.andWhere(
          `EXISTS (SELECT 1 FROM ${f.table} fm WHERE fm.${f.ownerColumn} = ${spec.alias}.id AND fm.\`key\` = ${params.add(key)} AND fm.value = ${params.add(value)})`,
        );
      }
    } else if (filter.mode === 'like') {
      qb.andWhere(
        `${f.sql} LIKE ${params.add(`%${String(filter.values[0]).replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`,
      );
    } else if (filter.mode === 'cmp') {
      for (const { op, value } of filter.comparisons ?? [])
        qb.andWhere(`${f.sql} ${SQL_OP[op]} ${params.add(value)}`);
    } else if (filter.values.length === 1) {
      qb.andWhere(`${f.sql} = ${params.add(filter.values[0])}`);
    } else {
      qb.andWhere(`${f.sql} IN (${filter.values.map((v) => params.add(v)).join(', ')})`);
    }
  }
  qb.setParameters({ ...qb.getParameters(), ...params.values });
}

export interface Page<T> {
  rows: T[];
  hasMore: boolean;
  count?: number;
}

/**
 * Sorts (the id last, so the order is total), then pages by keyset after the marker (so pages stay
 * right while rows come and go) and by offset.
 */
export async function fetchPage<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  request: ListRequest,
  spec: ListSpec,
): Promise<Page<T>> {
  const count = request.withCount ? await qb.clone().getCount() : undefined;
  const keys = [
    ...request.sort,
    {
      sql: `${spec.alias}.id`,
      descending: request.sort.length ? request.sort[request.sort.length - 1].descending : true,
    },
  ];
  if (request.marker !== undefined) {
    const params = new Params('lm');
    const marker = await qb
      .clone()
      .select(keys.map((k, i) => `${k.sql} AS k${i}`))
      .andWhere(`${spec.alias}.id = :markerId`, { markerId: request.marker })
      .orderBy()
      .limit(1)
      .getRawOne<Record<string, unknown>>();
    if (!marker) throw spec.markerNotFound(request.marker);
    const clauses = keys.map((key, i) => {
      const equal = keys.slice(0, i).map((prior, j) => `${prior.sql} = ${params.add(marker[`k${j}`])}`);
      const after = `${key.sql} ${key.descending ? '<' : '>'} ${params.add(marker[`k${i}`])}`;
      return `(${[...equal, after].join(' AND ')})`;
    });
    qb.andWhere(`(${clauses.join(' OR ')})`);
    qb.setParameters({ ...qb.getParameters(), ...params.values });
  }
  keys.forEach((key, i) => {
    if (i === 0) qb.orderBy(key.sql, key.descending ? 'DESC' : 'ASC');
    else qb.addOrderBy(key.sql, key.descending ? 'DESC' : 'ASC');
  });
  if (request.limit === 0) return { rows: [], hasMore: false, count };
  if (request.offset) qb.offset(request.offset);
  qb.limit(request.limit + 1);
  const rows = await qb.getMany();
  const hasMore = rows.length > request.limit;
  return { rows: hasMore ? rows.slice(0, request.limit) : rows, hasMore, count };
}

/** Cinder's `<collection>_links`: a next link while more rows follow, keeping the other parameters. */
export function nextLinks(
  collectionUrl: string,
  request: ListRequest,
  page: Page<{ id: string }>,
): { rel: 'next'; href: string }[] {
  if (!page.hasMore || page.rows.length === 0) return [];
  const query = new URLSearchParams(request.raw);
  query.set('limit', String(request.limit));
  query.set('marker', page.rows[page.rows.length - 1].id);
  query.delete('offset');
  return [{ rel: 'next', href: `${collectionUrl}?${query.toString()}` }];
}

/**
 * The answer to a volume, snapshot or backup list: the items, `<collection>_links` when a next page
 * exists, and `count` when with_count asked for it (3.45).
 */
export function countedListBody(
  collection: string,
  items: unknown[],
  collectionUrl: string,
  request: ListRequest,
  page: Page<{ id: string }>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { [collection]: items };
  const links = nextLinks(collectionUrl, request, page);
  if (links.length) body[`${collection}_links`] = links;
  if (page.count !== undefined) body.count = page.count;
  return body;
}
