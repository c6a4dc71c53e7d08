import { Controller, Get, Module } from '@nestjs/common';
import {
  Auth,
  AuthContext,
  createServiceApp,
  loadConfig,
  pendingSchemaChanges,
  platformConfigSchema,
  PlatformModule,
} from '@stratus/platform';
import { expectEventually, RunningService, TEST_MYSQL_URL, TestEnvironment } from '@stratus/testing';
import { identityConfigSchema } from '../src/config/identity-config';
import { IdentityModule } from '../src/identity.module';
import { IDENTITY_MIGRATIONS } from '../src/migrations';
import { IDENTITY_ENTITIES } from '../src/persistence/identity.entities';

/** Stands in for any other Stratus service: it only validates tokens, locally. */
@Controller('probe')
class ProbeController {
  @Get()
  whoami(@Auth() auth: AuthContext) {
    return { user: auth.userId, project: auth.projectId };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('identity API', () => {
  const env = new TestEnvironment();
  let identity: RunningService;
  let other: RunningService;
  const adminPassword = 'bootstrap-secret';

  beforeAll(async () => {
    const config = loadConfig(identityConfigSchema, {
      ...env.baseEnv('identity'),
      IDENTITY_PASSWORD_HASH_ROUNDS: '4',
      IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    });
    identity = await RunningService.listen(
      await createServiceApp(IdentityModule.forRoot(config, { processMetrics: false }), {
        service: 'identity',
        config,
        errorStyle: 'keystone',
      }),
    );
    const otherConfig = loadConfig(platformConfigSchema, {
      ...env.baseEnv('probe'),
      DATABASE_URL: undefined,
    });
    @Module({
      imports: [
        PlatformModule.forRoot({
          service: 'probe',
          config: otherConfig,
          errorStyle: 'nova',
          processMetrics: false,
        }),
        ProbeModule,
      ],
    })
    class OtherServiceModule {}
    other = await RunningService.listen(
      await createServiceApp(OtherServiceModule, {
        service: 'probe',
        config: otherConfig,
        errorStyle: 'nova',
      }),
    );
  });

  afterAll(async () => {
    await other?.close();
    await identity?.close();
    await env.cleanup();
  });

  const passwordAuth = (name: string, password: string, scope?: unknown) => ({
    auth: {
      identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
      ...(scope ? { scope } : {}),
    },
  });

  async function issue(name = 'admin', password = adminPassword, projectName = 'admin'): Promise<string> {
    const response = await identity.fetch('/v3/auth/tokens', {
      method: 'POST',
      json: passwordAuth(name, password, { project: { name: projectName, domain: { id: 'default' } } }),
    });
    expect(response.status).toBe(201);
    return response.headers.get('x-subject-token')!;
  }

  it('serves the version documents without a token', async () => {
    const root = await identity.fetch('/');
    expect(root.status).toBe(300);
    const { versions } = (await root.json()) as { versions: { values: { id: string; status: string }[] } };
    expect(versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable' });
    const v3 = await identity.fetch('/v3');
    expect(v3.status).toBe(200);
    expect(((await v3.json()) as { version: { id: string } }).version.id).toBe('v3.14');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await identity.fetch('/v3/auth/tokens', {
      method: 'POST',
      json: passwordAuth('admin', 'nope'),
    });
    const unknown = await identity.fetch('/v3/auth/tokens', {
      method: 'POST',
      json: passwordAuth('nobody', 'nope'),
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('validates, checks and revokes tokens, and another service refuses a revoked token', async () => {
    const admin = await issue();
    const subject = await issue();
    const validated = await identity.fetch('/v3/auth/tokens', {
      token: admin,
      headers: { 'X-Subject-Token': subject },
    });
    expect(validated.status).toBe(200);
    const body = (await validated.json()) as {
      token: { methods: string[]; roles: { name: string }[]; catalog: unknown[] };
    };
    expect(body.token.methods).toEqual(['password']);
    expect(body.token.roles.map((r) => r.name).sort()).toEqual(['admin', 'manager', 'member', 'reader']);
    expect(Array.isArray(body.token.catalog)).toBe(true);

    expect((await other.fetch('/probe', { token: subject })).status).toBe(200);
    const revoked = await identity.fetch('/v3/auth/tokens', {
      method: 'DELETE',
      token: admin,
      headers: { 'X-Subject-Token': subject },
    });
    expect(revoked.status).toBe(204);
    const head = await identity.fetch('/v3/auth/tokens', {
      method: 'HEAD',
      token: admin,
      headers: { 'X-Subject-Token': subject },
    });
    expect(head.status).toBe(404);
    await expectEventually(async () =>
      expect((await other.fetch('/probe', { token: subject })).status).toBe(401),
    );
    expect((await other.fetch('/probe', { token: admin })).status).toBe(200);
  });

  it('revokes every token of a disabled user at the other service too', async () => {
    const admin = await issue();
    const created = await identity.fetch('/v3/users', {
      method: 'POST',
      token: admin,
      json: { user: { name: 'soon-disabled', password: 'pw-123456' } },
    });
    const { user } = (await created.json()) as { user: { id: string } };
    const unscoped = await identity.fetch('/v3/auth/tokens', {
      method: 'POST',
      json: passwordAuth('soon-disabled', 'pw-123456'),
    });
    const token = unscoped.headers.get('x-subject-token')!;
    expect((await other.fetch('/probe', { token })).status).toBe(200);
    const disabled = await identity.fetch(`/v3/users/${user.id}`, {
      method: 'PATCH',
      token: admin,
      json: { user: { enabled: false } },
    });
    expect(disabled.status).toBe(200);
    await expectEventually(async () => expect((await other.fetch('/probe', { token })).status).toBe(401));
    const again = await identity.fetch('/v3/auth/tokens', {
      method: 'POST',
      json: passwordAuth('soon-disabled', 'pw-123456'),
    });
    expect(again.status).toBe(401);
  });

  it("refuses a member another user's application credentials, assignments and users", async () => {
    const admin = await issue();
    const call = async (method: string, path: string, token: string, json?: unknown) =>
      identity.fetch(path, { method, token, json });
    const makeMember = async (name: string) => {
      const { project } = (await (
        await call('POST', '/v3/projects', admin, { project: { name } })
      ).json()) as { project: { id: string } };
      const { user } = (await (
        await call('POST', '/v3/users', admin, {
          user: { name, password: 'pw-' + name, default_project_id: project.id },
        })
      ).json()) as { user: { id: string } };
      const { roles } = (await (await call('GET', '/v3/roles?name=member', admin)).json()) as {
        roles: { id: string }[];
      };
      await call('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${roles[0].id}`, admin);
      return { userId: user.id, projectId: project.id, token: await issue(name, 'pw-' + name, name) };
    };
    const a = await makeMember('cred-a');
    const b = await makeMember('cred-b');
    const created = await call('POST', `/v3/users/${a.userId}/application_credentials`, a.token, {
      application_credential: { name: 'a-cred' },
    });
    expect(created.status).toBe(201);
    const { application_credential: credential } = (await created.json()) as {
      application_credential: { id: string };
    };
    for (const [method, path] of [
      ['GET', `/v3/users/${a.userId}/application_credentials`],
      ['GET', `/v3/users/${a.userId}/application_credentials/${credential.id}`],
      ['DELETE', `/v3/users/${a.userId}/application_credentials/${credential.id}`],
      ['POST', `/v3/users/${a.userId}/application_credentials`],
      ['GET', `/v3/role_assignments?user.id=${a.userId}`],
      ['GET', `/v3/role_assignments?scope.project.id=${a.projectId}`],
      ['GET', `/v3/users/${a.userId}`],
      ['GET', `/v3/users/${a.userId}/projects`],
      ['GET', `/v3/projects/${a.projectId}`],
    ]) {
      const response = await call(
        method,
        path,
        b.token,
        method === 'POST' ? { application_credential: { name: 'x' } } : undefined,
      );
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
    }
    const still = await call(
      'GET',
      `/v3/users/${a.userId}/application_credentials/${credential.id}`,
      a.token,
    );
    expect(still.status).toBe(200);
  });

  it('answers malformed and hostile requests with 4xx in Keystone error shape', async () => {
    const admin = await issue();
    const longName = 'x'.repeat(300);
    const cases: { path: string; method: string; body?: string; token?: string; expected: number }[] = [
      { path: '/v3/auth/tokens', method: 'POST', body: '{"auth": ', expected: 400 },
      { path: '/v3/auth/tokens', method: 'POST', body: 'null', expected: 400 },
      { path: '/v3/auth/tokens', method: 'POST', body: '[]', expected: 400 },
      {
        path: '/v3/auth/tokens',
        method: 'POST',
        body: '{"auth": {"identity": {"methods": "password"}}}',
        expected: 400,
      },
      {
        path: '/v3/auth/tokens',
        method: 'POST',
        body: '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": "x"}}}}}',
        expected: 400,
      },
      {
        path: '/v3/auth/tokens',
        method: 'POST',
        body: '{"auth": {"identity": {"methods": ["token"], "token": {"id": "garbage"}}}}',
        expected: 401,
      },
      {
        path: '/v3/auth/tokens',
        method: 'POST',
        body: `{"auth": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
        expected: 400,
      },
      {
        path: '/v3/projects',
        method: 'POST',
        body: '{"project": {"name": 42}}',
        token: admin,
        expected: 400,
      },
      {
        path: '/v3/projects',
        method: 'POST',
        body: `{"project": {"name": "${longName}"}}`,
        token: admin,
        expected: 400,
      },
      {
        path: '/v3/projects',
        method: 'POST',
        body: '{"__proto__": {"admin": true}}',
        token: admin,
        expected: 400,
      },
      {
        path: '/v3/projects',
        method: 'POST',
        body: '{"project": {"name": "p", "domain_id": "missing"}}',
        token: admin,
        expected: 404,
      },
      {
        path: '/v3/users',
        method: 'POST',
        body: '{"user": {"name": "u", "enabled": "yes"}}',
        token: admin,
        expected: 400,
      },
      { path: '/v3/users/does-not-exist', method: 'GET', token: admin, expected: 404 },
      { path: '/v3/projects', method: 'GET', token: 'not-a-token', expected: 401 },
      { path: '/v3/projects', method: 'GET', expected: 401 },
      { path: '/v3/roles', method: 'POST', body: '{"role": {"name": "admin"}}', token: admin, expected: 409 },
      {
        path: '/v3/endpoints',
        method: 'POST',
        body: '{"endpoint": {"service_id": "x", "interface": "sideways", "url": "http://a"}}',
        token: admin,
        expected: 400,
      },
      {
        path: '/v3/projects',
        method: 'POST',
        body: JSON.stringify({ project: { name: 'big', description: 'x'.repeat(2_000_000) } }),
        token: admin,
        expected: 413,
      },
    ];
    for (const c of cases) {
      const response = await identity.fetch(c.path, {
        method: c.method,
        token: c.token,
        headers: c.body ? { 'Content-Type': 'application/json' } : {},
        body: c.body,
      });
      const body = (await response.json()) as { error: { code: number; title: string; message: string } };
      expect({
        case: `${c.method} ${c.path} ${c.body?.slice(0, 60) ?? ''}`,
        status: response.status,
      }).toEqual({
        case: `${c.method} ${c.path} ${c.body?.slice(0, 60) ?? ''}`,
        status: c.expected,
      });
      expect(body.error).toMatchObject({ code: c.expected });
      expect(typeof body.error.title).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  });

  it('does not leave a half-written user when the default project is unknown', async () => {
    const admin = await issue();
    const response = await identity.fetch('/v3/users', {
      method: 'POST',
      token: admin,
      json: { user: { name: 'half', password: 'pw', default_project_id: 'missing' } },
    });
    expect(response.status).toBe(404);
    const list = await identity.fetch('/v3/users?name=half', { token: admin });
    expect(((await list.json()) as { users: unknown[] }).users).toEqual([]);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await identity.fetch('/healthz')).status).toBe(200);
    const ready = await identity.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: true, nats: true, revocations: true } });
    const metrics = await (await identity.fetch('/metrics')).text();
    expect(metrics).toContain('http_requests_total');
  });

  it.each(['mysql', 'sqlite'] as const)('has migrations that match the entities on %s', async (dialect) => {
    const pending = await pendingSchemaChanges(
      { entities: IDENTITY_ENTITIES, migrations: IDENTITY_MIGRATIONS },
      dialect,
      TEST_MYSQL_URL,
    );
    expect(pending.up).toEqual([]);
  });
});
