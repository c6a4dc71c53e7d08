import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Uses the NATS at `url` if it answers; otherwise starts nats-server with JetStream under the data
 * folder when it is installed, or explains what to install.
 */
export async function ensureNats(url: string, dataDir: string): Promise<ChildProcess | undefined> {
  const { hostname, port } = new URL(url);
  const portNumber = Number(port || 4222);
  if (await answers(hostname, portNumber)) return undefined;
  if (spawnSync('nats-server', ['--version']).error) {
    throw new Error(
      `nothing answers at ${url} and nats-server is not installed.\n` +
        `  Install it (Debian/Ubuntu: apt-get install nats-server) or set NATS_URL to a NATS with JetStream.`,
    );
  }
  const storage = join(dataDir, 'nats');
  mkdirSync(storage, { recursive: true });
  const child = spawn('nats-server', ['-a', hostname, '-p', String(portNumber), '-js', '-sd', storage], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50; i++) {
    if (await answers(hostname, portNumber)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`nats-server did not start on ${url}`);
}
