/** The few identity calls the local cloud's bootstrap makes, as the admin. */
export class IdentityClient {
  private token?: string;

  constructor(
    private readonly authUrl: string,
    private readonly admin: { username: string; password: string; projectName: string },
  ) {}

  async login(): Promise<string> {
    const response = await fetch(`${this.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: this.admin.username, domain: { id: 'default' }, password: this.admin.password },
            },
          },
          scope: { project: { name: this.admin.projectName, domain: { id: 'default' } } },
        },
      }),
    });
    if (response.status !== 201)
      throw new Error(`admin login failed: ${response.status} ${await response.text()}`);
    this.token = response.headers.get('x-subject-token') ?? undefined;
    return this.token!;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token ?? (await this.login());
    const response = await fetch(`${this.authUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  private async passwordWorks(username: string, password: string): Promise<boolean> {
    const response = await fetch(`${this.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: username, domain: { id: 'default' }, password } },
          },
          scope: 'unscoped',
        },
      }),
    });
    return response.status === 201;
  }

  /** Creates the project, the user and the member grant when missing; sets the password every time. */
  async ensureProjectUser(projectName: string, username: string, password: string, roleName: string) {
    const { projects } = await this.call<{ projects: { id: string }[] }>(
      'GET',
      `/projects?name=${encodeURIComponent(projectName)}`,
    );
    const projectId =
      projects[0]?.id ??
      (
        await this.call<{ project: { id: string } }>('POST', '/projects', {
          project: { name: projectName, description: 'Demo project' },
        })
      ).project.id;
    const { users } = await this.call<{ users: { id: string }[] }>(
      'GET',
      `/users?name=${encodeURIComponent(username)}`,
    );
    const userId = users[0]?.id;
    // Re-setting an unchanged password would revoke the user's tokens, so only a changed one is written.
    const user = userId
      ? (await this.passwordWorks(username, password))
        ? { user: { id: userId } }
        : await this.call<{ user: { id: string } }>('PATCH', `/users/${userId}`, {
            user: { password, default_project_id: projectId },
          })
      : await this.call<{ user: { id: string } }>('POST', '/users', {
          user: { name: username, password, default_project_id: projectId },
        });
    const { roles } = await this.call<{ roles: { id: string }[] }>('GET', `/roles?name=${roleName}`);
    await this.call('PUT', `/projects/${projectId}/users/${user.user.id}/roles/${roles[0].id}`);
    return { projectId, userId: user.user.id };
  }
}
