import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expectEventually } from './expect-eventually';
import { repoRoot } from './repo-root';

/**
 * A service started as its own Node process from the build output, the way `npm start` and a
 * container run it. Used by system tests that need several services, since apps never import apps.
 */
export class ServiceProcess {
  private output = '';

  private constructor(
    readonly service: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on(
      'data',
      (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)),
    );
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)),
    );
  }

  /** Starts `dist/apps/<service>/src/main.js` with the given environment and waits for /readyz. */
  static async start(service: string, port: number, env: Record<string, string>): Promise<ServiceProcess> {
    const entry = join(repoRoot(), 'dist', 'apps', service, 'src', 'main.js');
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, ...env, BIND_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = new ServiceProcess(service, `http://127.0.0.1:${port}`, child);
    let exited = false;
    child.once('exit', () => (exited = true));
    await expectEventually(
      async () => {
        if (exited) throw new Error(`${service} exited during start-up:\n${running.output}`);
        const response = await fetch(`${running.url}/readyz`);
        if (response.status !== 200) throw new Error(`${service} not ready: ${await response.text()}`);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    return running;
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends SIGTERM and waits for the process to finish its graceful shutdown. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill(signal);
    });
  }
}
