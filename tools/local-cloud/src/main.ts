import {
  catalogEntries,
  catalogEntry,
  KeyRepository,
  SERVICE_REGISTRY,
  serviceDescriptor,
} from '@stratus/platform';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cloudPasswords, writeOpenrc } from './credentials';
import { IdentityClient } from './identity-client';
import { ensureNats } from './nats-server';
import { seedTestImage } from './seed-image';
import { seedNetworks } from './seed-network';
import { seedFlavors } from './seed-flavors';
import { localServiceEnv } from './service-env';
import { isBuilt, Supervisor } from './supervisor';

const REGION = 'RegionOne';

function step(message: string): void {
  process.stdout.write(`  ${message}\n`);
}

/**
 * `npm start`: every built service on its OpenStack port, against local NATS and SQLite (or MySQL
 * at DATABASE_URL), bootstrapped with an admin, a demo project and user, and openrc files.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const host = process.env.STRATUS_PUBLIC_HOST ?? '127.0.0.1';
  const bindHost = process.env.BIND_HOST ?? '0.0.0.0';
  mkdirSync(dataDir, { recursive: true });
  process.stdout.write(`Stratus: starting a local cloud (data in ${dataDir})\n`);

  const nats: { current?: ChildProcess } = {};
  const supervisor = new Supervisor(join(dataDir, 'logs'));
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stdout.write('\nStratus: stopping services...\n');
    await supervisor.stopAll();
    nats.current?.kill('SIGTERM');
    process.stdout.write('Stratus: stopped.\n');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  nats.current = await ensureNats(natsUrl, dataDir);
  step(nats.current ? `started nats-server with JetStream at ${natsUrl}` : `using NATS at ${natsUrl}`);

  const keyRepository = join(dataDir, 'fernet-keys');
  KeyRepository.ensure(keyRepository);
  const passwords = cloudPasswords(dataDir, process.env);
  const services = SERVICE_REGISTRY.filter((s) => isBuilt(s.name));
  const urlOf = (name: string) =>
    `http://${host}:${process.env[serviceDescriptor(name).portVariable] ?? serviceDescriptor(name).defaultPort}`;
  const catalog = services.flatMap((s) => catalogEntries(s.name, urlOf(s.name)));
  step(
    process.env.DATABASE_URL
      ? 'using MySQL at DATABASE_URL'
      : `using embedded SQLite databases in ${dataDir}`,
  );

  const common: Record<string, string> = {
    NATS_URL: natsUrl,
    DATA_DIR: dataDir,
    TOKEN_KEY_REPOSITORY: keyRepository,
    BIND_HOST: bindHost,
  };
  for (const service of services) {
    const port = process.env[service.portVariable] ?? String(service.defaultPort);
    const env: Record<string, string> = {
      ...common,
      [service.portVariable]: port,
      ...localServiceEnv(service.name, process.env),
    };
    if (service.name === 'compute-api') {
      env.COMPUTE_IMAGE_URL = urlOf('image');
      env.COMPUTE_NETWORK_URL = urlOf('network');
    }
    if (service.name === 'block-storage') {
      env.BLOCK_STORAGE_IMAGE_URL = urlOf('image');
      env.BLOCK_STORAGE_OBJECT_STORE_URL = urlOf('object-storage');
    }
    if (service.name === 'identity') {
      env.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD = passwords.admin;
      env.IDENTITY_BOOTSTRAP_REGION_ID = REGION;
      env.IDENTITY_BOOTSTRAP_CATALOG = JSON.stringify(catalog);
    }
    const t0 = Date.now();
    await supervisor.start(service.name, `http://127.0.0.1:${port}`, env, (name) => {
      process.stderr.write(
        `Stratus: ${name} stopped unexpectedly; see ${join(dataDir, 'logs', `${name}.log`)}\n`,
      );
      void shutdown(1);
    });
    step(`${service.name.padEnd(14)} ready on :${port} (${Date.now() - t0} ms)`);
  }

  const authUrl = `${urlOf('identity')}/v3`;
  const identity = new IdentityClient(`http://127.0.0.1:${process.env.IDENTITY_PORT ?? 5000}/v3`, {
    username: 'admin',
    password: passwords.admin,
    projectName: 'admin',
  });
  await identity.ensureProjectUser('demo', 'demo', passwords.demo, 'member');
  step('bootstrapped the admin and demo projects and users');
  const running = new Set(services.map((s) => s.name));
  const localUrl = (name: string) =>
    `http://127.0.0.1:${process.env[serviceDescriptor(name).portVariable] ?? serviceDescriptor(name).defaultPort}`;
  if (running.has('image')) {
    const tinyGuestDir = process.env.TINY_GUEST_DIR ?? '/var/lib/libvirt/images/stratus-tiny';
    step(await seedTestImage(localUrl('image'), await identity.login(), tinyGuestDir));
  }
  if (running.has('network')) {
    const demoToken = await new IdentityClient(`${localUrl('identity')}/v3`, {
      username: 'demo',
      password: passwords.demo,
      projectName: 'demo',
    }).login();
    step(await seedNetworks(localUrl('network'), await identity.login(), demoToken));
  }
  if (running.has('compute-api')) step(await seedFlavors(localUrl('compute-api'), await identity.login()));
  writeOpenrc(join(dataDir, 'admin-openrc'), {
    authUrl,
    username: 'admin',
    password: passwords.admin,
    projectName: 'admin',
    regionName: REGION,
  });
  writeOpenrc(join(dataDir, 'demo-openrc'), {
    authUrl,
    username: 'demo',
    password: passwords.demo,
    projectName: 'demo',
    regionName: REGION,
  });

  process.stdout.write(`\nStratus is up in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  for (const service of services) {
    const entry = catalogEntry(service.name, urlOf(service.name));
    process.stdout.write(`  ${service.name.padEnd(14)} ${entry ? entry.public : '(NATS only)'}\n`);
  }
  process.stdout.write(
    `\nUse it:\n  source ${join(dataDir, 'demo-openrc')}   # or admin-openrc\n  openstack token issue\n\nLogs in ${join(dataDir, 'logs')}. Press Ctrl-C to stop.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Stratus: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
