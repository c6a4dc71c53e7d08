import { badRequest, forbidden } from '@stratus/platform';
import type { Microversion } from '../common/microversion';
import { queryFlag, queryString, queryStrings, queryTime } from '../common/nova-input';
import { KNOWN_STATUSES, matchesStatus } from './server-state';

/** What a server list filters on, read from the query as Nova reads it for this caller. */
export interface ServerFilter {
  allTenants: boolean;
  projectId?: string;
  userId?: string;
  name?: RegExp;
  statuses: string[];
  image?: string;
  flavor?: string;
  changesSince?: Date;
  host?: string;
  ip?: RegExp;
  ip6?: RegExp;
  reservationId?: string;
  tags: string[];
  tagsAny: string[];
  notTags: string[];
  notTagsAny: string[];
  sortKey: ServerSortKey;
  sortDir: 'asc' | 'desc';
}

export interface FilterableServer {
  uuid: string;
  displayName: string;
  projectId: string;
  userId: string;
  imageRef: string;
  flavor: { id: string };
  vmState: string;
  taskState: string | null;
  host: string | null;
  reservationId: string;
  tags: string[];
  deleted: boolean;
  createdAt: Date;
  updatedAt: Date;
  launchedAt: Date | null;
  vifs: { fixedIps: { address: string; version: 4 | 6 }[] }[];
}

const SORT_KEYS = {
  created_at: (s: FilterableServer) => s.createdAt.getTime(),
  updated_at: (s: FilterableServer) => s.updatedAt.getTime(),
  launched_at: (s: FilterableServer) => s.launchedAt?.getTime() ?? 0,
  display_name: (s: FilterableServer) => s.displayName,
  uuid: (s: FilterableServer) => s.uuid,
  vm_state: (s: FilterableServer) => s.vmState,
  task_state: (s: FilterableServer) => s.taskState ?? '',
  host: (s: FilterableServer) => s.host ?? '',
  image_ref: (s: FilterableServer) => s.imageRef,
  project_id: (s: FilterableServer) => s.projectId,
  user_id: (s: FilterableServer) => s.userId,
  reservation_id: (s: FilterableServer) => s.reservationId,
} as const;
export type ServerSortKey = keyof typeof SORT_KEYS;

/** Sort keys only admins may use (Nova's _ADMIN_SORT_KEYS). */
const ADMIN_SORT_KEYS = new Set<ServerSortKey>(['host']);

/** Nova matches names and addresses as a regular expression; a broken one is matched literally. */
function pattern(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text, 'i');
  } catch {
    return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

function lastSegment(ref: string | undefined): string | undefined {
  return ref?.split('/').pop();
}

function tagList(value: unknown): string[] {
  return queryStrings(value)
    .flatMap((v) => v.split(','))
    .filter((t) => t !== '');
}

export function parseServerFilter(
  query: Record<string, unknown>,
  caller: { isAdmin: boolean; projectId: string },
  version: Microversion,
): ServerFilter {
  const statuses = queryStrings(query.status).map((s) => s.toUpperCase());
  if (version.atLeast('2.38')) {
    const unknown = statuses.find((s) => !KNOWN_STATUSES.has(s) && s !== 'DELETED');
    if (unknown) throw badRequest(`Invalid status value`);
  }
  const allTenants = queryFlag(query.all_tenants);
  const admin = caller.isAdmin;
  if (allTenants && !admin) {
    throw forbidden("Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.");
  }
  const sortKey = (queryString(query.sort_key) ?? 'created_at') as ServerSortKey;
  if (!(sortKey in SORT_KEYS) || (ADMIN_SORT_KEYS.has(sortKey) && !admin)) {
    throw badRequest(`Invalid sort_key: ${sortKey}`);
  }
  const sortDir = queryString(query.sort_dir) ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') throw badRequest(`Invalid sort_dir: ${sortDir}`);
  const tagged = version.atLeast('2.26');
  const projectFilter = queryString(query.project_id) ?? queryString(query.tenant_id);
  return {
    allTenants,
    // Without all_tenants everyone, admins too, lists their own project.
    projectId: allTenants ? projectFilter : caller.projectId,
    userId: queryString(query.user_id),
    name: pattern(queryString(query.name)),
    statuses,
    image: lastSegment(queryString(query.image)),
    flavor: lastSegment(queryString(query.flavor)),
    changesSince: queryTime(query['changes-since'], 'changes-since'),
    host: admin ? queryString(query.host) : undefined,
    ip: pattern(queryString(query.ip)),
    ip6: admin || version.atLeast('2.5') ? pattern(queryString(query.ip6)) : undefined,
    reservationId: queryString(query.reservation_id),
    tags: tagged ? tagList(query.tags) : [],
    tagsAny: tagged ? tagList(query['tags-any']) : [],
    notTags: tagged ? tagList(query['not-tags']) : [],
    notTagsAny: tagged ? tagList(query['not-tags-any']) : [],
    sortKey,
    sortDir,
  };
}

/** The servers a list shows, in order. Deleted ones appear only when asking for changes since a time. */
export function filterServers<T extends FilterableServer>(servers: T[], filter: ServerFilter): T[] {
  const showDeleted = filter.changesSince !== undefined || filter.statuses.includes('DELETED');
  const matched = servers.filter((s) => {
    if (s.deleted && !showDeleted) return false;
    if (filter.projectId !== undefined && s.projectId !== filter.projectId) return false;
    if (filter.userId !== undefined && s.userId !== filter.userId) return false;
    if (filter.name && !filter.name.test(s.displayName)) return false;
    if (
      filter.statuses.length &&
      !matchesStatus(s.deleted ? 'deleted' : s.vmState, s.taskState, filter.statuses)
    ) {
      return false;
    }
    if (filter.image !== undefined && s.imageRef !== filter.image) return false;
    if (filter.flavor !== undefined && s.flavor.id !== filter.flavor) return false;
    if (filter.changesSince && s.updatedAt < filter.changesSince) return false;
    if (filter.host !== undefined && s.host !== filter.host) return false;
    if (filter.reservationId !== undefined && s.reservationId !== filter.reservationId) return false;
    const addresses = s.vifs.flatMap((v) => v.fixedIps);
    if (filter.ip && !addresses.some((a) => a.version === 4 && filter.ip!.test(a.address))) return false;
    if (filter.ip6 && !addresses.some((a) => a.version === 6 && filter.ip6!.test(a.address))) return false;
    if (filter.tags.length && !filter.tags.every((t) => s.tags.includes(t))) return false;
    if (filter.tagsAny.length && !filter.tagsAny.some((t) => s.tags.includes(t))) return false;
    if (filter.notTags.length && filter.notTags.every((t) => s.tags.includes(t))) return false;
    if (filter.notTagsAny.length && filter.notTagsAny.some((t) => s.tags.includes(t))) return false;
    return true;
  });
  const key = SORT_KEYS[filter.sortKey];
  const direction = filter.sortDir === 'asc' ? 1 : -1;
  return matched.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const order = x < y ? -1 : x > y ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
    return order * direction;
  });
}
