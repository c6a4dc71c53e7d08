import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CloudPasswords {
  admin: string;
  demo: string;
}

/** Passwords come from the environment, else are generated on the first run and kept in the data folder. */
export function cloudPasswords(dataDir: string, env: NodeJS.ProcessEnv): CloudPasswords {
  const file = join(dataDir, 'passwords.json');
  const kept: Partial<CloudPasswords> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const passwords: CloudPasswords = {
    admin: env.STRATUS_ADMIN_PASSWORD ?? kept.admin ?? randomBytes(12).toString('base64url'),
    demo: env.STRATUS_DEMO_PASSWORD ?? kept.demo ?? randomBytes(12).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(passwords, null, 2) + '\n', { mode: 0o600 });
  return passwords;
}

export interface OpenrcSettings {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  regionName: string;
}

/** Writes an openrc file to source before using the openstack CLI. */
export function writeOpenrc(path: string, settings: OpenrcSettings): void {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const lines = [
    `export OS_AUTH_URL=${quote(settings.authUrl)}`,
    `export OS_USERNAME=${quote(settings.username)}`,
    `export OS_PASSWORD=${quote(settings.password)}`,
    `export OS_PROJECT_NAME=${quote(settings.projectName)}`,
    'export OS_USER_DOMAIN_ID=default',
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_IDENTITY_API_VERSION=3',
    `export OS_REGION_NAME=${quote(settings.regionName)}`,
    'export OS_INTERFACE=public',
  ];
  writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 });
}
