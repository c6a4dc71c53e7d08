import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { KeyRepository } from '@stratus/platform';

/** MariaDB server for tests; CI and the development machines run one on the default port. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * A private world for one test file: its own databases, NATS namespace, key repository and data
 * folder, so test files run in parallel against one MariaDB and one NATS without meeting.
 */
export class TestEnvironment {
  readonly id = `t${randomBytes(5).toString('hex')}`;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'stratus-test-'));
  readonly keyRepository = join(this.dataDir, 'fernet-keys');
  private readonly databases: string[] = [];

  constructor() {
    KeyRepository.ensure(this.keyRepository);
  }

  /** A database URL of its own for one service in this environment. */
  databaseUrl(service: string): string {
    const name = `stratus_${this.id}_${service.replace(/-/g, '_')}`;
    this.databases.push(name);
    return `${TEST_MYSQL_URL}/${name}`;
  }

  /** Settings shared by every service of this environment. */
  baseEnv(service: string): Record<string, string> {
    return {
      NATS_URL: TEST_NATS_URL,
      NATS_NAMESPACE: this.id,
      DATABASE_URL: this.databaseUrl(service),
      DATA_DIR: join(this.dataDir, service),
      TOKEN_KEY_REPOSITORY: this.keyRepository,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    };
  }

  async cleanup(): Promise<void> {
    const connection = await createConnection({ uri: TEST_MYSQL_URL });
    try {
      for (const name of this.databases) await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await connection.end();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
