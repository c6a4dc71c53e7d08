import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';

export interface DatabaseSettings {
  service: string;
  /** mysql://...; when absent, an SQLite file `<dataDir>/<service>.sqlite`. */
  url?: string;
  dataDir: string;
  // TypeORM's own option types.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MigrationSets;
}

/** TypeORM migrations are SQL for one dialect, so each service keeps one set per driver. */
export interface MigrationSets {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  mysql: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  sqlite: Function[];
}

/** The service's own schema: the URL's database if it names one, else `stratus_<service>`. */
export function mysqlDatabaseName(service: string, url: string): string {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path || `stratus_${service.replace(/-/g, '_')}`;
}

/**
 * Creates the service's schema if missing and tells whether the server is MariaDB, which TypeORM
 * must know: it reports column defaults differently from MySQL.
 */
export async function ensureMysqlDatabase(url: string, database: string): Promise<{ mariadb: boolean }> {
  const server = new URL(url);
  server.protocol = 'mysql:';
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return { mariadb: /mariadb/i.test(String((rows as { version: string }[])[0]?.version)) };
  } finally {
    await connection.end();
  }
}

/** Migrations run at start-up; the schema is never synchronised from entities. */
export async function databaseOptions(settings: DatabaseSettings): Promise<DataSourceOptions> {
  const common = {
    entities: settings.entities,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (settings.url) {
    const database = mysqlDatabaseName(settings.service, settings.url);
    const { mariadb } = await ensureMysqlDatabase(settings.url, database);
    const url = new URL(settings.url);
    url.protocol = 'mysql:';
    url.pathname = `/${database}`;
    return {
      ...common,
      migrations: settings.migrations.mysql,
      type: mariadb ? 'mariadb' : 'mysql',
      url: url.toString(),
      charset: 'utf8mb4_bin',
      timezone: 'Z',
      dateStrings: false,
      extra: { connectionLimit: 20 },
    };
  }
  const dataDir = resolve(settings.dataDir);
  mkdirSync(dataDir, { recursive: true });
  return {
    ...common,
    migrations: settings.migrations.sqlite,
    type: 'better-sqlite3',
    database: join(dataDir, `${settings.service}.sqlite`),
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
