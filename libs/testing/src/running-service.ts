import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/** A service app started in-process on a free loopback port. */
export class RunningService {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
  ) {}

  static async listen(app: INestApplication): Promise<RunningService> {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    return new RunningService(app, `http://127.0.0.1:${address.port}`);
  }

  async fetch(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('X-Auth-Token', init.token);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(this.url + path, { ...init, headers, body });
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
