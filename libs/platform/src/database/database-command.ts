import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseOptions, DatabaseSettings } from './database-options';
import { generateMigrations } from './migration-generator';

/**
 * `migrate` runs pending migrations and exits (the Kubernetes Job before a rollout);
 * `generate-migration <Name> <folder>` writes new migrations after an entity change.
 * Returns false when argv names no database command.
 */
export async function runDatabaseCommand(argv: string[], settings: DatabaseSettings): Promise<boolean> {
  const [command, name, folder] = argv;
  if (command === 'migrate') {
    const dataSource = await new DataSource({
      ...(await databaseOptions(settings)),
      migrationsRun: false,
    }).initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(`${settings.service}: ${applied.length} migration(s) applied\n`);
    await dataSource.destroy();
    return true;
  }
  if (command === 'generate-migration') {
    if (!name || !folder) throw new Error('usage: generate-migration <Name> <migrations folder>');
    const mysqlUrl = process.env.MIGRATION_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
    const written = await generateMigrations(settings, resolve(folder), name, mysqlUrl);
    process.stdout.write(written.length ? `wrote\n  ${written.join('\n  ')}\n` : 'schema is up to date\n');
    return true;
  }
  return false;
}
