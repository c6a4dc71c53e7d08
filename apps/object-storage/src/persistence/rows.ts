import type { DataSource, EntityManager } from 'typeorm';
import { ContainerEntity, ObjectEntity } from './object-storage.entities';

/*
 * Every object request reads a container row and an object row, and every upload writes a few
 * more: those statements are plain SQL here, since building them with TypeORM's query builder
 * costs more CPU than running them. Both dialects take the same SQL ("?" parameters, backticks).
 */

type Raw = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export const OBJECT_COLUMNS =
  '`container_id`, `name_key`, `name`, `data_key`, `size`, `etag`, `content_type`, `timestamp`, ' +
  '`delete_at`, `metadata`, `headers`, `dlo_manifest`, `slo_etag`, `slo_size`';

export const CONTAINER_COLUMNS =
  '`id`, `account`, `name_key`, `name`, `metadata`, `read_acl`, `write_acl`, `versions_location`, ' +
  '`versions_mode`, `created_at`, `updated_at`';

export function objectFromRow(raw: Raw): ObjectEntity {
  return Object.assign(new ObjectEntity(), {
    containerId: num(raw.container_id),
    nameKey: String(raw.name_key),
    name: String(raw.name),
    dataKey: String(raw.data_key),
    size: num(raw.size),
    etag: String(raw.etag),
    contentType: String(raw.content_type),
    timestamp: num(raw.timestamp),
    deleteAt: numOrNull(raw.delete_at),
    metadata: String(raw.metadata),
    headers: String(raw.headers),
    dloManifest: strOrNull(raw.dlo_manifest),
    sloEtag: strOrNull(raw.slo_etag),
    sloSize: numOrNull(raw.slo_size),
  });
}

/** The values of OBJECT_COLUMNS for an insert, in order. */
export function objectValues(row: ObjectEntity): unknown[] {
  return [
    row.containerId,
    row.nameKey,
    row.name,
    row.dataKey,
    row.size,
    row.etag,
    row.contentType,
    row.timestamp,
    row.deleteAt,
    row.metadata,
    row.headers,
    row.dloManifest,
    row.sloEtag,
    row.sloSize,
  ];
}

export function containerFromRow(raw: Raw): ContainerEntity {
  return Object.assign(new ContainerEntity(), {
    id: num(raw.id),
    account: String(raw.account),
    nameKey: String(raw.name_key),
    name: String(raw.name),
    metadata: String(raw.metadata),
    readAcl: strOrNull(raw.read_acl),
    writeAcl: strOrNull(raw.write_acl),
    versionsLocation: strOrNull(raw.versions_location),
    versionsMode: strOrNull(raw.versions_mode),
    createdAt: num(raw.created_at),
    updatedAt: num(raw.updated_at),
  });
}

/** The row lock clause of a SELECT for the dialect; SQLite serialises writers and has none. */
export function lockClause(source: DataSource | EntityManager, mode: 'share' | 'update'): string {
  const options = 'connection' in source ? source.connection.options : source.options;
  if (options.type === 'better-sqlite3') return '';
  return mode === 'share' ? ' LOCK IN SHARE MODE' : ' FOR UPDATE';
}
