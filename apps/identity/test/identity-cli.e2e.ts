import { CliResult, jsonOf, openstack, TestCloud } from '@stratus/testing';

/** The acceptance path of the identity service, driven by Debian's real `openstack` CLI. */
describe('identity through the openstack CLI', () => {
  let cloud: TestCloud;

  beforeAll(async () => {
    cloud = await TestCloud.start(['identity']);
  });

  afterAll(async () => {
    await cloud.stop();
  });

  const ok = (result: CliResult): string => {
    if (result.rc !== 0)
      throw new Error(`openstack ${result.argv.join(' ')}:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };

  it('issues a token and shows the catalog and endpoints', async () => {
    const [token, catalog, endpoints] = await openstack(cloud.admin, [
      ['token', 'issue', '-f', 'json'],
      ['catalog', 'list', '-f', 'json'],
      ['endpoint', 'list', '-f', 'json'],
    ]);
    const issued = jsonOf<{ id: string; project_id: string; user_id: string; expires: string }>(token);
    expect(issued.id.length).toBeGreaterThan(50);
    expect(Date.parse(issued.expires)).toBeGreaterThan(Date.now());
    expect(jsonOf<{ Type: string }[]>(catalog).map((c) => c.Type)).toContain('identity');
    const listed = jsonOf<{ 'Service Type': string; Interface: string; URL: string }[]>(endpoints);
    expect(
      listed
        .filter((e) => e['Service Type'] === 'identity')
        .map((e) => e.Interface)
        .sort(),
    ).toEqual(['admin', 'internal', 'public']);
  });

  it('manages domains, projects, users, groups and role assignments', async () => {
    const results = await openstack(cloud.admin, [
      ['domain', 'create', '--description', 'an engineering domain', 'eng', '-f', 'json'],
      ['domain', 'list', '-f', 'json'],
      [
        'project',
        'create',
        '--domain',
        'eng',
        '--description',
        'first',
        '--tag',
        'blue',
        'alpha',
        '-f',
        'json',
      ],
      ['project', 'list', '--domain', 'eng', '-f', 'json'],
      ['project', 'set', '--domain', 'eng', '--description', 'renamed', '--name', 'alpha2', 'alpha'],
      ['project', 'show', '--domain', 'eng', 'alpha2', '-f', 'json'],
      [
        'user',
        'create',
        '--domain',
        'eng',
        '--password',
        'first-pass',
        '--email',
        'ada@example.org',
        'ada',
        '-f',
        'json',
      ],
      ['user', 'list', '--domain', 'eng', '-f', 'json'],
      ['user', 'set', '--domain', 'eng', '--email', 'ada@example.com', 'ada'],
      ['user', 'show', '--domain', 'eng', 'ada', '-f', 'json'],
      ['group', 'create', '--domain', 'eng', 'builders', '-f', 'json'],
      ['group', 'add', 'user', '--group-domain', 'eng', '--user-domain', 'eng', 'builders', 'ada'],
      ['group', 'contains', 'user', '--group-domain', 'eng', '--user-domain', 'eng', 'builders', 'ada'],
      ['role', 'create', 'auditor', '-f', 'json'],
      ['role', 'list', '-f', 'json'],
      [
        'role',
        'add',
        '--project',
        'alpha2',
        '--project-domain',
        'eng',
        '--user',
        'ada',
        '--user-domain',
        'eng',
        'member',
      ],
      [
        'role',
        'add',
        '--project',
        'alpha2',
        '--project-domain',
        'eng',
        '--group',
        'builders',
        '--group-domain',
        'eng',
        'auditor',
      ],
      [
        'role',
        'assignment',
        'list',
        '--names',
        '--project',
        'alpha2',
        '--project-domain',
        'eng',
        '-f',
        'json',
      ],
      [
        'role',
        'remove',
        '--project',
        'alpha2',
        '--project-domain',
        'eng',
        '--group',
        'builders',
        '--group-domain',
        'eng',
        'auditor',
      ],
      [
        'role',
        'assignment',
        'list',
        '--names',
        '--project',
        'alpha2',
        '--project-domain',
        'eng',
        '-f',
        'json',
      ],
    ]);
    results.forEach(ok);
    const [domain, domains, project, projects, , shown, user, users, , userShown, , , contains, role, roles] =
      results;
    expect(jsonOf<{ name: string; enabled: boolean }>(domain)).toMatchObject({ name: 'eng', enabled: true });
    expect(jsonOf<{ Name: string }[]>(domains).map((d) => d.Name)).toEqual(
      expect.arrayContaining(['Default', 'eng']),
    );
    expect(jsonOf<{ tags: string[] }>(project).tags).toEqual(['blue']);
    expect(jsonOf<{ Name: string }[]>(projects).map((p) => p.Name)).toEqual(['alpha']);
    expect(jsonOf<{ name: string; description: string }>(shown)).toMatchObject({
      name: 'alpha2',
      description: 'renamed',
    });
    expect(jsonOf<{ email: string }>(user).email).toBe('ada@example.org');
    expect(jsonOf<{ Name: string }[]>(users).map((u) => u.Name)).toEqual(['ada']);
    expect(jsonOf<{ email: string }>(userShown).email).toBe('ada@example.com');
    expect(contains.stdout).toContain('ada in group builders');
    expect(jsonOf<{ name: string }>(role).name).toBe('auditor');
    expect(jsonOf<{ Name: string }[]>(roles).map((r) => r.Name)).toEqual(
      expect.arrayContaining(['admin', 'member', 'reader', 'auditor']),
    );
    const before = jsonOf<{ Role: string; User: string; Group: string }[]>(results[17]);
    expect(before).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Role: 'member', User: 'ada@eng' }),
        expect.objectContaining({ Role: 'auditor', Group: 'builders@eng' }),
      ]),
    );
    const after = jsonOf<{ Role: string }[]>(results[19]);
    expect(after.map((a) => a.Role)).toEqual(['member']);

    const cleanup = await openstack(cloud.admin, [
      ['user', 'delete', '--domain', 'eng', 'ada'],
      ['project', 'delete', '--domain', 'eng', 'alpha2'],
      ['user', 'list', '--domain', 'eng', '-f', 'json'],
      ['domain', 'set', '--disable', 'eng'],
      ['domain', 'delete', 'eng'],
      ['domain', 'list', '-f', 'json'],
    ]);
    cleanup.forEach(ok);
    expect(jsonOf<unknown[]>(cleanup[2])).toEqual([]);
    expect(jsonOf<{ Name: string }[]>(cleanup[5]).map((d) => d.Name)).not.toContain('eng');
  });

  it('lets a user change their own password, after which the old one no longer works', async () => {
    const member = await cloud.createProjectUser('pwd');
    const [change] = await openstack(member, [
      [
        'user',
        'password',
        'set',
        '--original-password',
        member.password!,
        '--password',
        'a-brand-new-password',
      ],
    ]);
    ok(change);
    const [withOld] = await openstack(member, [['token', 'issue', '-f', 'json']]);
    expect(withOld.rc).not.toBe(0);
    const [withNew] = await openstack({ ...member, password: 'a-brand-new-password' }, [
      ['token', 'issue', '-f', 'json'],
    ]);
    expect(jsonOf<{ user_id: string }>(withNew).user_id).toBe(member.userId);
  });

  it('creates an application credential and authenticates with it', async () => {
    const member = await cloud.createProjectUser('appcred');
    const [created, listed] = await openstack(member, [
      ['application', 'credential', 'create', '--description', 'for ci', 'ci-bot', '-f', 'json'],
      ['application', 'credential', 'list', '-f', 'json'],
    ]);
    const credential = jsonOf<{ id: string; secret: string; project_id: string; roles: string }>(created);
    expect(credential.project_id).toBe(member.projectId);
    expect(credential.roles).toContain('member');
    expect(jsonOf<{ Name: string }[]>(listed).map((c) => c.Name)).toEqual(['ci-bot']);

    const [token, forbidden] = await openstack(
      {
        authUrl: cloud.authUrl,
        applicationCredentialId: credential.id,
        applicationCredentialSecret: credential.secret,
      },
      [
        ['token', 'issue', '-f', 'json'],
        ['application', 'credential', 'create', 'nested', '-f', 'json'],
      ],
    );
    const issued = jsonOf<{ project_id: string; user_id: string }>(token);
    expect(issued).toMatchObject({ project_id: member.projectId, user_id: member.userId });
    expect(forbidden.rc).not.toBe(0);

    const [wrongSecret] = await openstack(
      {
        authUrl: cloud.authUrl,
        applicationCredentialId: credential.id,
        applicationCredentialSecret: 'not-the-secret',
      },
      [['token', 'issue', '-f', 'json']],
    );
    expect(wrongSecret.rc).not.toBe(0);
  });

  it('keeps a member of one project away from another project and from admin-only listings', async () => {
    const a = await cloud.createProjectUser('iso-a');
    const b = await cloud.createProjectUser('iso-b');
    const [ownProject, otherProject, otherUser, users, assignments, ownAssignments] = await openstack(b, [
      ['project', 'show', b.projectId, '-f', 'json'],
      ['project', 'show', a.projectId, '-f', 'json'],
      ['user', 'show', a.userId!, '-f', 'json'],
      ['user', 'list', '-f', 'json'],
      ['role', 'assignment', 'list', '--project', a.projectId, '-f', 'json'],
      ['role', 'assignment', 'list', '--user', b.userId!, '-f', 'json'],
    ]);
    expect(jsonOf<{ id: string }>(ownProject).id).toBe(b.projectId);
    for (const refused of [otherProject, otherUser, users, assignments]) {
      expect(refused.rc).not.toBe(0);
      expect(refused.stderr).toMatch(/HTTP 40[34]/);
    }
    expect(jsonOf<{ Project: string }[]>(ownAssignments).map((x) => x.Project)).toEqual([b.projectId]);
  });
});
