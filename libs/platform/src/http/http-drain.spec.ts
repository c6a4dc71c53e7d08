import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDrain } from './http-drain';

/** A server whose /slow requests wait until the test releases them. */
async function startServer(
  drain: HttpDrain,
): Promise<{ server: Server; url: string; held: ServerResponse[] }> {
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    if (request.url === '/slow') held.push(response);
    else response.end('fast');
  });
  drain.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('HttpDrain', () => {
  it('finishes in-flight requests, closing their connections, then stops listening', async () => {
    const drain = new HttpDrain({ delaySeconds: 0, graceSeconds: 30, keepAliveTimeoutSeconds: 65 });
    const { server, url, held } = await startServer(drain);
    const slow = fetch(`${url}/slow`);
    await until(() => held.length === 1);

    const drained = drain.drain(server);
    expect(drain.isDraining).toBe(true);
    await until(() => !server.listening);
    held[0].end('done');

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('done');
    expect(response.headers.get('connection')).toBe('close');
    expect(await drained).toEqual({ cut: 0 });
    await expect(fetch(url)).rejects.toThrow();
  });

  it('keeps answering during the delay, asking clients to reconnect elsewhere', async () => {
    const drain = new HttpDrain({ delaySeconds: 0.3, graceSeconds: 30, keepAliveTimeoutSeconds: 65 });
    const { server, url } = await startServer(drain);
    const drained = drain.drain(server);

    const response = await fetch(url);
    expect(server.listening).toBe(true);
    expect(await response.text()).toBe('fast');
    expect(response.headers.get('connection')).toBe('close');
    await drained;
  });

  it('cuts what is still running when the grace period is over', async () => {
    const drain = new HttpDrain({ delaySeconds: 0, graceSeconds: 0.05, keepAliveTimeoutSeconds: 65 });
    const { server, url, held } = await startServer(drain);
    const slow = fetch(`${url}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await until(() => held.length === 1);

    expect(await drain.drain(server)).toEqual({ cut: 1 });
    expect(await slow).toBe('cut');
  });

  it('outlasts the load balancer on idle keep-alive connections', async () => {
    const drain = new HttpDrain({ delaySeconds: 0, graceSeconds: 1, keepAliveTimeoutSeconds: 65 });
    const { server } = await startServer(drain);
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    await drain.drain(server);
  });
});
