import { glanceErrors } from '../common/glance-errors';

/** Sort keys Glance accepts, and the SQL each sorts by (NULLs first, as both databases do). */
export const SORT_KEYS: Record<string, (alias: string) => string> = {
  name: (a) => `COALESCE(${a}.name, '')`,
  status: (a) => `${a}.status`,
  container_format: (a) => `COALESCE(${a}.container_format, '')`,
  disk_format: (a) => `COALESCE(${a}.disk_format, '')`,
  size: (a) => `COALESCE(${a}.size, -1)`,
  id: (a) => `${a}.id`,
  created_at: (a) => `${a}.created_at`,
  updated_at: (a) => `${a}.updated_at`,
};
const AVAILABLE_SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
];

export type SortDir = 'asc' | 'desc';

export type Comparison = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

export type Filter =
  | { kind: 'in'; column: string; values: string[] }
  | { kind: 'eq'; column: string; value: string | number | boolean }
  | { kind: 'range'; column: string; op: 'gte' | 'lte'; value: number }
  | { kind: 'time'; column: string; op: Comparison; value: Date }
  | { kind: 'property'; name: string; value: string };

export interface ListQuery {
  limit?: number;
  marker?: string;
  memberStatus: 'pending' | 'accepted' | 'rejected' | 'all';
  visibility?: string;
  osHidden: boolean;
  tags: string[];
  filters: Filter[];
  sortKeys: string[];
  sortDirs: SortDir[];
}

/** Columns that filter by plain equality (Glance's `hasattr(models.Image, k)`). */
const EQUALITY_COLUMNS: Record<string, { column: string; type: 'string' | 'int' | 'bool' }> = {
  owner: { column: 'owner', type: 'string' },
  checksum: { column: 'checksum', type: 'string' },
  os_hash_value: { column: 'os_hash_value', type: 'string' },
  os_hash_algo: { column: 'os_hash_algo', type: 'string' },
  protected: { column: 'protected', type: 'bool' },
  min_disk: { column: 'min_disk', type: 'int' },
  min_ram: { column: 'min_ram', type: 'int' },
  size: { column: 'size', type: 'int' },
  virtual_size: { column: 'virtual_size', type: 'int' },
};
const OPERATOR_COLUMNS = ['name', 'id', 'status', 'container_format', 'disk_format'];
const RANGE_COLUMNS = ['size', 'virtual_size', 'min_disk', 'min_ram'];

/** Query values arrive as strings, or arrays of strings when a key repeats. */
function values(raw: unknown, key: string): string[] {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => typeof v === 'string')) throw glanceErrors.badRequest(`Invalid value for '${key}'.`);
  return list as string[];
}

function last(raw: unknown, key: string): string | undefined {
  const list = values(raw, key);
  return list.length ? list[list.length - 1] : undefined;
}

/** Glance's utils.split_filter_op: `op:value`, unless the whole value is an ISO 8601 time. */
export function splitFilterOp(expression: string): [string, string] {
  const at = expression.indexOf(':');
  if (at < 0) return ['eq', expression];
  if (parseIsoTime(expression)) return ['eq', expression];
  return [expression.slice(0, at), expression.slice(at + 1)];
}

/** Glance's split_filter_value_for_quotes: comma-separated, with "double-quoted, values". */
export function splitFilterValues(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] === '"') {
      let j = i + 1;
      let item = '';
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) {
          item += value[j + 1];
          j += 2;
        } else item += value[j++];
      }
      if (j >= value.length)
        throw glanceErrors.badRequest('Invalid filter value ' + value + '. The quote is not closed.');
      out.push(item);
      i = j + 1;
      if (i < value.length && value[i] !== ',') {
        throw glanceErrors.badRequest(
          'Invalid filter value ' + value + '. There is no comma before opening quotation mark.',
        );
      }
      i++;
    } else {
      const end = value.indexOf(',', i);
      out.push(value.slice(i, end < 0 ? value.length : end));
      i = end < 0 ? value.length : end + 1;
    }
  }
  return out;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseIsoTime(text: string): Date | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone] = m;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z')
    offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function boolFilter(value: string, key: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw glanceErrors.badRequest(
      `Invalid value '${value}' for '${key}' filter. Valid values are 'true' or 'false'.`,
    );
  }
  return value === 'true';
}

function validateSortKey(key: string): string {
  if (!SORT_KEYS[key]) {
    throw glanceErrors.badRequest(
      `Invalid sort key: ${key}. It must be one of the following: ${AVAILABLE_SORT_KEYS.join(', ')}.`,
    );
  }
  return key;
}

function validateSortDir(dir: string): SortDir {
  if (dir !== 'asc' && dir !== 'desc') throw glanceErrors.badRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

/** Reads GET /v2/images's query the way Glance's RequestDeserializer.index does. */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const params = { ...query };
  const take = (key: string): unknown => {
    const value = params[key];
    delete params[key];
    return value;
  };

  const result: ListQuery = {
    memberStatus: 'accepted',
    osHidden: false,
    tags: [],
    filters: [],
    sortKeys: [],
    sortDirs: [],
  };

  const limit = last(take('limit'), 'limit');
  if (limit !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(limit)) throw glanceErrors.badRequest('limit param must be an integer');
    const n = Number(limit);
    if (n < 0) throw glanceErrors.badRequest('limit param must be positive');
    result.limit = n;
  }
  result.marker = last(take('marker'), 'marker');

  const memberStatus = last(take('member_status'), 'member_status') ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) {
    throw glanceErrors.badRequest(`Invalid status: ${memberStatus}`);
  }
  result.memberStatus = memberStatus as ListQuery['memberStatus'];

  result.tags = values(take('tag'), 'tag').map((t) => t.trim());

  const visibility = last(take('visibility'), 'visibility');
  if (visibility) {
    if (!['community', 'public', 'private', 'shared', 'all'].includes(visibility)) {
      throw glanceErrors.badRequest(`Invalid visibility value: ${visibility}`);
    }
    result.visibility = visibility;
  }

  if (take('changes-since') !== undefined) {
    throw glanceErrors.badRequest('The "changes-since" filter is no longer available on v2.');
  }

  const hidden = (last(take('os_hidden'), 'os_hidden') ?? 'false').toLowerCase();
  if (hidden !== 'true' && hidden !== 'false') {
    throw glanceErrors.badRequest(
      `Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`,
    );
  }
  result.osHidden = hidden === 'true';

  // Sorting: the new syntax (sort=name:asc,size) or the classic one (sort_key, sort_dir), not both.
  const sort = last(take('sort'), 'sort');
  const sortKeys = values(take('sort_key'), 'sort_key');
  const sortDirs = values(take('sort_dir'), 'sort_dir');
  if (sort !== undefined) {
    if (sortKeys.length || sortDirs.length) {
      throw glanceErrors.badRequest('Old and new sorting syntax cannot be combined');
    }
    for (const part of sort.trim().split(',')) {
      const [key, dir] = part.split(':');
      result.sortKeys.push(validateSortKey(key.trim()));
      result.sortDirs.push(validateSortDir((dir ?? 'desc').trim() || 'desc'));
    }
  } else {
    result.sortKeys = sortKeys.map((k) => validateSortKey(k.trim()));
    result.sortDirs = sortDirs.map((d) => validateSortDir(d.trim()));
    if (result.sortDirs.length > 1 && result.sortDirs.length !== result.sortKeys.length) {
      throw glanceErrors.badRequest('Number of sort dirs does not match the number of sort keys');
    }
  }

  const isProtected = last(take('protected'), 'protected');
  if (isProtected !== undefined) {
    result.filters.push({ kind: 'eq', column: 'protected', value: boolFilter(isProtected, 'protected') });
  }

  for (const key of Object.keys(params)) {
    const value = last(params[key], key);
    if (value === undefined) continue;
    if (key.endsWith('_min') || key.endsWith('_max')) {
      const column = key.slice(0, -4);
      if (!RANGE_COLUMNS.includes(column))
        throw glanceErrors.badRequest(`Unable to filter on a range of '${column}'.`);
      if (!/^\s*[+-]?\d+\s*$/.test(value)) {
        throw glanceErrors.badRequest('Unable to filter on a range with a non-numeric value.');
      }
      result.filters.push({
        kind: 'range',
        column,
        op: key.endsWith('_min') ? 'gte' : 'lte',
        value: Number(value),
      });
    } else if (key === 'created_at' || key === 'updated_at') {
      const [op, isotime] = splitFilterOp(value);
      if (!['eq', 'neq', 'gt', 'gte', 'lt', 'lte'].includes(op)) {
        throw glanceErrors.badRequest('Unable to filter on a unknown operator.');
      }
      const time = parseIsoTime(isotime);
      if (!time)
        throw glanceErrors.badRequest(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`);
      result.filters.push({ kind: 'time', column: key, op: op as Comparison, value: time });
    } else if (OPERATOR_COLUMNS.includes(key)) {
      const [op, listValue] = splitFilterOp(value);
      if (op === 'in') result.filters.push({ kind: 'in', column: key, values: splitFilterValues(listValue) });
      else if (op === 'eq') result.filters.push({ kind: 'eq', column: key, value: listValue });
      else throw glanceErrors.badRequest(`Unable to filter by unknown operator '${op}'.`);
    } else if (EQUALITY_COLUMNS[key]) {
      const { column, type } = EQUALITY_COLUMNS[key];
      if (type === 'int') {
        if (!/^\s*[+-]?\d+\s*$/.test(value))
          throw glanceErrors.badRequest(`Invalid value '${value}' for '${key}' filter.`);
        result.filters.push({ kind: 'eq', column, value: Number(value) });
      } else if (type === 'bool') {
        result.filters.push({ kind: 'eq', column, value: boolFilter(value, key) });
      } else result.filters.push({ kind: 'eq', column, value });
    } else {
      if (key.length > 255) throw glanceErrors.badRequest('Property names are limited to 255 characters.');
      result.filters.push({ kind: 'property', name: key, value });
    }
  }
  return result;
}
