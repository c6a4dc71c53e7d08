import { GetProject } from '@stratus/contracts';
import { BusService, MetricsRegistry, RpcClient } from '@stratus/platform';
import { freePort, ServiceProcess, TEST_NATS_URL, TestEnvironment } from '@stratus/testing';
import { randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a Kubernetes Service does in front of replicas, in a few lines: round robin over the
 * backends whose /readyz answers 200, polled often, with keep-alive connections to each. It never
 * retries, so a request a replica drops shows up as a failure.
 */
class RoundRobinProxy {
  private readonly ready = new Set<string>();
  private readonly agents = new Map<string, Agent>();
  private readonly inFlight = new Map<string, number>();
  private next = 0;
  private poller?: NodeJS.Timeout;
  private server?: Server;
  url = '';

  constructor(private readonly backends: string[]) {
    for (const backend of backends) {
      this.agents.set(backend, new Agent({ keepAlive: true, maxSockets: 16 }));
      this.inFlight.set(backend, 0);
    }
  }

  async start(): Promise<void> {
    await this.pollReadiness();
    this.poller = setInterval(() => void this.pollReadiness(), 25);
    this.server = createServer((incoming, outgoing) => this.forward(incoming, outgoing));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests sent to a backend and not yet answered. */
  pending(backend: string): number {
    return this.inFlight.get(backend) ?? 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    await new Promise((resolve) => this.server?.close(resolve));
    for (const agent of this.agents.values()) agent.destroy();
  }

  private async pollReadiness(): Promise<void> {
    await Promise.all(
      this.backends.map(async (backend) => {
        const ok = await fetch(`${backend}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ok) this.ready.add(backend);
        else this.ready.delete(backend);
      }),
    );
  }

  private forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const candidates = this.backends.filter((backend) => this.ready.has(backend));
    if (candidates.length === 0) {
      outgoing.writeHead(503).end('no ready backend');
      return;
    }
    const backend = candidates[this.next++ % candidates.length];
    this.inFlight.set(backend, this.pending(backend) + 1);
    const done = () => this.inFlight.set(backend, this.pending(backend) - 1);
    const upstream = request(
      `${backend}${incoming.url}`,
      { method: incoming.method, headers: incoming.headers, agent: this.agents.get(backend) },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
        response.once('end', done);
      },
    );
    upstream.once('error', (error) => {
      done();
      if (!outgoing.headersSent) outgoing.writeHead(502).end(`upstream ${backend}: ${error.message}`);
      else outgoing.destroy();
    });
    incoming.pipe(upstream);
  }
}

/** http_requests_total of one replica for a route, read from its own /metrics. */
async function servedCount(replica: ServiceProcess, route: string): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  return sumSamples(text, 'http_requests_total', `route="${route}"`);
}

async function rpcHandledCount(replica: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  return sumSamples(text, 'stratus_rpc_handled_duration_seconds_count', `subject="${GetProject.subject}"`);
}

function sumSamples(text: string, metric: string, label: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && line.includes(label))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

interface Outcome {
  ok: number;
  failures: string[];
}

/** Runs `call` on `concurrency` workers until `stop()` holds or the request budget is spent. */
async function load(
  concurrency: number,
  budget: number,
  stop: () => boolean,
  call: () => Promise<string | undefined>,
): Promise<Outcome> {
  const outcome: Outcome = { ok: 0, failures: [] };
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop() && sent < budget) {
        sent++;
        const failure = await call().catch((error: unknown) => String(error));
        if (failure === undefined) outcome.ok++;
        else outcome.failures.push(failure);
      }
    }),
  );
  return outcome;
}

describe('two identity replicas behind a load balancer', () => {
  const env = new TestEnvironment();
  const adminPassword = randomBytes(12).toString('base64url');
  const replicas: ServiceProcess[] = [];
  let proxy: RoundRobinProxy;
  let bus: BusService;
  let rpc: RpcClient;

  beforeAll(async () => {
    const shared = {
      ...env.baseEnv('identity'),
      IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      // Slow enough that token issues are in flight when SIGTERM comes.
      IDENTITY_PASSWORD_HASH_ROUNDS: '8',
      SHUTDOWN_DELAY_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      replicas.push(await ServiceProcess.start('identity', port, { ...shared, IDENTITY_PORT: String(port) }));
    }
    proxy = new RoundRobinProxy(replicas.map((replica) => replica.url));
    await proxy.start();
    bus = new BusService({ url: TEST_NATS_URL, namespace: env.id, name: 'replicas-test' });
    rpc = new RpcClient(
      { url: TEST_NATS_URL, name: 'replicas-test', defaultTimeoutMs: 5000 },
      bus,
      new MetricsRegistry('replicas-test', false),
    );
  }, 90_000);

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    await proxy?.stop();
    for (const replica of replicas) await replica.stop();
    await env.cleanup();
  });

  it('shares the work and loses no request while one replica stops on SIGTERM', async () => {
    const issue = async (): Promise<{ token?: string; failure?: string }> => {
      const response = await fetch(`${proxy.url}/v3/auth/tokens?nocatalog`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: 'admin', domain: { id: 'default' }, password: adminPassword } },
            },
            scope: { project: { name: 'admin', domain: { id: 'default' } } },
          },
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) return { failure: `issue: ${response.status}` };
      return { token: response.headers.get('x-subject-token')! };
    };
    const first = await issue();
    expect(first.failure).toBeUndefined();
    const token = first.token!;
    const { projects } = (await (
      await fetch(`${proxy.url}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } })
    ).json()) as { projects: { id: string }[] };

    const [stopping, staying] = replicas;
    let stopped = false;
    let servedAfterStop = 0;
    const done = () => stopped && servedAfterStop >= 300;

    const validations = load(6, 50_000, done, async () => {
      const response = await fetch(`${proxy.url}/v3/auth/tokens`, {
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      });
      await response.arrayBuffer();
      if (stopped) servedAfterStop++;
      return response.status === 200 ? undefined : `validate: ${response.status}`;
    });
    const issues = load(2, 2_000, done, async () => (await issue()).failure);
    const lookups = load(2, 20_000, done, async () => {
      const project = await rpc.request(GetProject, { projectId: projects[0].id });
      return project.id === projects[0].id ? undefined : 'wrong project';
    });

    const warmedUp = async () =>
      (await servedCount(stopping, '/v3/auth/tokens')) >= 50 &&
      (await servedCount(staying, '/v3/auth/tokens')) >= 50 &&
      (await rpcHandledCount(stopping)) >= 20 &&
      (await rpcHandledCount(staying)) >= 20;
    while (!(await warmedUp())) await new Promise((resolve) => setTimeout(resolve, 50));
    // Stop it while it is working on a request, the case graceful shutdown is about.
    while (proxy.pending(stopping.url) === 0) await new Promise((resolve) => setImmediate(resolve));
    await stopping.stop('SIGTERM');
    stopped = true;

    const [validated, issued, looked] = await Promise.all([validations, issues, lookups]);
    expect({ validate: validated.failures, issue: issued.failures, rpc: looked.failures }).toEqual({
      validate: [],
      issue: [],
      rpc: [],
    });
    expect(validated.ok).toBeGreaterThan(100);
    expect(issued.ok).toBeGreaterThan(0);
    expect(looked.ok).toBeGreaterThan(40);
    expect(servedAfterStop).toBeGreaterThanOrEqual(300);
    expect(stopping.logs).toContain('draining HTTP connections');
    expect(stopping.logs).not.toMatch(/still running after the grace period/);
  }, 120_000);
});
