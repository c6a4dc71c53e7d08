import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SupervisedService {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
}

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

export function serviceEntry(name: string): string {
  return join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
}

export function isBuilt(name: string): boolean {
  return existsSync(serviceEntry(name));
}

/** Runs each service as its own process, logging to <data>/logs/<service>.log. */
export class Supervisor {
  readonly services: SupervisedService[] = [];
  private stopping = false;

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  async start(
    name: string,
    url: string,
    env: Record<string, string>,
    onUnexpectedExit: (name: string) => void,
  ) {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [serviceEntry(name)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const service = { name, url, child, logFile };
    this.services.push(service);
    child.once('exit', () => {
      if (!this.stopping) onUnexpectedExit(name);
    });
    await this.waitReady(service);
    return service;
  }

  private async waitReady(service: SupervisedService): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (service.child.exitCode !== null) throw new Error(`${service.name} exited; see ${service.logFile}`);
      try {
        const response = await fetch(`${service.url}/readyz`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${service.name} did not become ready in 60 s; see ${service.logFile}`);
  }

  /** SIGTERM to every service, newest first, waiting for each to finish in-flight work. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const service of [...this.services].reverse()) {
      if (service.child.exitCode !== null) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
        service.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        service.child.kill('SIGTERM');
      });
    }
  }
}
