import { catalogEntries, serviceDescriptor } from '@stratus/platform';
import { randomBytes } from 'node:crypto';
import { CliCredentials } from './openstack-cli';
import { freePorts } from './free-port';
import { ServiceProcess } from './service-process';
import { TestEnvironment } from './test-environment';

/**
 * Several services started as processes in one TestEnvironment, identity bootstrapped with an
 * admin and a catalog pointing at the others: a small cloud for system tests with the real CLI.
 */
export class TestCloud {
  readonly adminPassword = randomBytes(12).toString('base64url');
  private readonly processes = new Map<string, ServiceProcess>();

  private constructor(readonly env: TestEnvironment) {}

  /**
   * `extraEnv` gives services settings of their own; as a function it receives every service's URL,
   * for settings that point one service at another (compute-api's image endpoint, for example).
   */
  static async start(
    services: string[],
    extraEnv:
      | Record<string, Record<string, string>>
      | ((urls: Record<string, string>) => Record<string, Record<string, string>>) = {},
    env = new TestEnvironment(),
  ): Promise<TestCloud> {
    const cloud = new TestCloud(env);
    const names = ['identity', ...services.filter((s) => s !== 'identity')];
    const chosen = await freePorts(names.length);
    const ports = new Map(names.map((service, i) => [service, chosen[i]]));
    const urls = Object.fromEntries(
      [...ports].map(([service, port]) => [service, `http://127.0.0.1:${port}`]),
    );
    const settings = typeof extraEnv === 'function' ? extraEnv(urls) : extraEnv;
    const catalog = [...ports.entries()].flatMap(([service, port]) =>
      catalogEntries(service, `http://127.0.0.1:${port}`),
    );
    try {
      for (const [service, port] of ports) {
        const serviceEnv: Record<string, string> = {
          ...env.baseEnv(service),
          [serviceDescriptor(service).portVariable]: String(port),
          IDENTITY_PASSWORD_HASH_ROUNDS: '4',
          ...(settings[service] ?? {}),
        };
        if (service === 'identity') {
          serviceEnv.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD = cloud.adminPassword;
          serviceEnv.IDENTITY_BOOTSTRAP_CATALOG = JSON.stringify(catalog);
        }
        cloud.processes.set(service, await ServiceProcess.start(service, port, serviceEnv));
      }
    } catch (error) {
      await cloud.stop();
      throw error;
    }
    return cloud;
  }

  service(name: string): ServiceProcess {
    const running = this.processes.get(name);
    if (!running) throw new Error(`${name} is not running in this test cloud`);
    return running;
  }

  get authUrl(): string {
    return `${this.service('identity').url}/v3`;
  }

  get admin(): CliCredentials {
    return { authUrl: this.authUrl, username: 'admin', password: this.adminPassword, projectName: 'admin' };
  }

  /** A token for the admin, for tests that call the API directly. */
  async adminToken(): Promise<string> {
    return this.token(this.admin);
  }

  async token(credentials: CliCredentials): Promise<string> {
    const response = await fetch(`${this.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: credentials.username, domain: { id: 'default' }, password: credentials.password },
            },
          },
          scope: { project: { name: credentials.projectName, domain: { id: 'default' } } },
        },
      }),
    });
    if (response.status !== 201)
      throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    return response.headers.get('x-subject-token')!;
  }

  /** Admin calls to identity's API, for setting up fixtures (not for the behaviour under test). */
  async identityApi(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.authUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token ?? (await this.adminToken()) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  /** A fresh project with a fresh user holding `role` on it: the isolation unit of every test. */
  async createProjectUser(
    prefix: string,
    role = 'member',
  ): Promise<CliCredentials & { projectId: string; userId: string }> {
    const token = await this.adminToken();
    const suffix = randomBytes(4).toString('hex');
    const password = randomBytes(12).toString('base64url');
    const { project } = (await this.identityApi(
      'POST',
      '/projects',
      { project: { name: `${prefix}-${suffix}` } },
      token,
    )) as {
      project: { id: string; name: string };
    };
    const { user } = (await this.identityApi(
      'POST',
      '/users',
      { user: { name: `${prefix}-user-${suffix}`, password, default_project_id: project.id } },
      token,
    )) as { user: { id: string; name: string } };
    const { roles } = (await this.identityApi('GET', `/roles?name=${role}`, undefined, token)) as {
      roles: { id: string }[];
    };
    await this.identityApi(
      'PUT',
      `/projects/${project.id}/users/${user.id}/roles/${roles[0].id}`,
      undefined,
      token,
    );
    return {
      authUrl: this.authUrl,
      username: user.name,
      password,
      projectName: project.name,
      projectId: project.id,
      userId: user.id,
    };
  }

  async stop(): Promise<void> {
    for (const running of [...this.processes.values()].reverse()) await running.stop();
    this.processes.clear();
    await this.env.cleanup();
  }
}
