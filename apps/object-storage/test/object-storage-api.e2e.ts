import { TestCloud } from '@stratus/testing';
import { Project, projectWithToken, SwiftApi } from './swift-api';

/**
 * Accounts, containers and listings over the API, as swiftclient and openstacksdk call it:
 * listing parameters and formats, metadata and its limits, ACLs, quotas, roles, isolation
 * between projects, and malformed requests (always a 4xx in Swift's shape).
 */
describe('object storage API: accounts, containers, listings, access', () => {
  let cloud: TestCloud;
  let api: SwiftApi;
  let a: Project;
  let b: Project;
  let reader: Project;
  let root: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['object-storage']);
    api = new SwiftApi(cloud.service('object-storage').url);
    [a, b] = await Promise.all([projectWithToken(cloud, 'api-a'), projectWithToken(cloud, 'api-b')]);
    root = api.accountPath(a);
    // A reader on A's project: same account, read-only.
    const readerUser = await cloud.createProjectUser('api-r', 'reader');
    const { roles } = (await cloud.identityApi('GET', '/roles?name=reader')) as { roles: { id: string }[] };
    await cloud.identityApi(
      'PUT',
      `/projects/${a.projectId}/users/${readerUser.userId}/roles/${roles[0].id}`,
    );
    reader = { ...readerUser, projectId: a.projectId, projectName: a.projectName } as Project;
    reader.token = await cloud.token(reader);

    for (const name of ['photos', 'docs', 'Zeta', 'émoji']) {
      expect((await api.call('PUT', `${root}/${encodeURIComponent(name)}`, { token: a.token })).status).toBe(
        201,
      );
    }
    for (const name of [
      '2024/jan/a.jpg',
      '2024/jan/b.jpg',
      '2024/feb/c.jpg',
      '2024/cover.jpg',
      'index.html',
    ]) {
      const put = await api.call('PUT', `${root}/photos/${name}`, {
        token: a.token,
        body: Buffer.from(`data of ${name}`),
      });
      expect(put.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  const names = async (path: string, token = a.token) => {
    const response = await api.call('GET', path, { token, headers: { Accept: 'application/json' } });
    return response.json<{ name?: string; subdir?: string }[]>().map((e) => e.name ?? `[${e.subdir}]`);
  };

  it('answers an account that has nothing yet, as account_autocreate does', async () => {
    const head = await api.call('HEAD', api.accountPath(b), { token: b.token });
    expect(head.status).toBe(204);
    expect(head.headers.get('x-account-container-count')).toBe('0');
    expect((await api.call('GET', api.accountPath(b), { token: b.token })).status).toBe(204);
    const json = await api.call('GET', `${api.accountPath(b)}?format=json`, { token: b.token });
    expect(json.status).toBe(200);
    expect(json.json()).toEqual([]);
  });

  it('lists containers in byte order with counters, in every format', async () => {
    expect(await names(root)).toEqual(['Zeta', 'docs', 'photos', 'émoji']);
    const json = await api.call('GET', `${root}?format=json&prefix=ph`, { token: a.token });
    expect(json.json()).toEqual([
      {
        name: 'photos',
        count: 5,
        bytes: expect.any(Number),
        last_modified: expect.stringMatching(/^\d{4}-.*\.\d{6}$/),
      },
    ]);
    const plain = await api.call('GET', root, { token: a.token });
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(plain.text).toBe('Zeta\ndocs\nphotos\némoji\n');
    const xml = await api.call('GET', root, { token: a.token, headers: { Accept: 'application/xml' } });
    expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<account name="AUTH_/);
    expect(await names(`${root}?limit=2&marker=Zeta`)).toEqual(['docs', 'photos']);
    expect(await names(`${root}?end_marker=photos`)).toEqual(['Zeta', 'docs']);
    expect(await names(`${root}?reverse=true&limit=2`)).toEqual(['émoji', 'photos']);
    const head = await api.call('HEAD', root, { token: a.token });
    expect(head.headers.get('x-account-container-count')).toBe('4');
    expect(head.headers.get('x-account-object-count')).toBe('5');
  });

  it('lists objects with prefix, delimiter, path, markers and reverse', async () => {
    const photos = `${root}/photos`;
    expect(await names(photos)).toEqual([
      '2024/cover.jpg',
      '2024/feb/c.jpg',
      '2024/jan/a.jpg',
      '2024/jan/b.jpg',
      'index.html',
    ]);
    expect(await names(`${photos}?delimiter=/`)).toEqual(['[2024/]', 'index.html']);
    expect(await names(`${photos}?prefix=2024/&delimiter=/`)).toEqual([
      '2024/cover.jpg',
      '[2024/feb/]',
      '[2024/jan/]',
    ]);
    expect(await names(`${photos}?path=2024`)).toEqual(['2024/cover.jpg']);
    expect(await names(`${photos}?prefix=2024/jan/&reverse=on`)).toEqual([
      '2024/jan/b.jpg',
      '2024/jan/a.jpg',
    ]);
    expect(await names(`${photos}?marker=2024/feb/c.jpg&end_marker=index.html`)).toEqual([
      '2024/jan/a.jpg',
      '2024/jan/b.jpg',
    ]);
    const json = await api.call('GET', `${photos}?format=json&prefix=index`, { token: a.token });
    expect(json.json()).toEqual([
      {
        bytes: 'data of index.html'.length,
        hash: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: 'index.html',
        content_type: 'text/html',
        last_modified: expect.any(String),
      },
    ]);
    expect((await api.call('GET', `${photos}?prefix=nothing`, { token: a.token })).status).toBe(204);
    const head = await api.call('HEAD', photos, { token: a.token });
    expect(head.status).toBe(204);
    expect(head.headers.get('x-container-object-count')).toBe('5');
    expect(head.headers.get('x-storage-policy')).toBe('Policy-0');
  });

  it('keeps account and container metadata, removes it on request, and enforces its limits', async () => {
    const docs = `${root}/docs`;
    const set = await api.call('POST', docs, {
      token: a.token,
      headers: { 'X-Container-Meta-Owner': 'team-a', 'X-Container-Meta-Stage': 'draft' },
    });
    expect(set.status).toBe(204);
    await api.call('POST', docs, {
      token: a.token,
      headers: { 'X-Remove-Container-Meta-Stage': 'x', 'X-Container-Meta-Owner': 'team-b' },
    });
    const head = await api.call('HEAD', docs, { token: a.token });
    expect(head.headers.get('x-container-meta-owner')).toBe('team-b');
    expect(head.headers.get('x-container-meta-stage')).toBeNull();

    const tooLong = await api.call('POST', docs, {
      token: a.token,
      headers: { [`X-Container-Meta-${'n'.repeat(129)}`]: 'v' },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toBe(`Metadata name too long: x-container-meta-${'n'.repeat(129)}`);
    const many = Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`X-Account-Meta-K${i}`, 'v']));
    const tooMany = await api.call('POST', root, { token: a.token, headers: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toBe('Too many metadata items; max 90');
    // The totals count what is already stored: posts of five 250-byte values pass 4096 bytes on the fourth.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const chunk = Object.fromEntries(
        Array.from({ length: 5 }, (_, j) => [`X-Account-Meta-M${i}${j}`, 'v'.repeat(250)]),
      );
      statuses.push((await api.call('POST', root, { token: a.token, headers: chunk })).status);
    }
    expect(statuses).toEqual([204, 204, 204, 400]);
    const account = await api.call('HEAD', root, { token: a.token });
    expect(account.headers.get('x-account-meta-m00')).toBe('v'.repeat(250));
  });

  it('enforces container quotas on count and bytes', async () => {
    const quota = `${root}/quota`;
    const bad = await api.call('PUT', quota, {
      token: a.token,
      headers: { 'X-Container-Meta-Quota-Bytes': 'lots' },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toBe('Invalid bytes quota.');
    await api.call('PUT', quota, {
      token: a.token,
      headers: { 'X-Container-Meta-Quota-Bytes': '10', 'X-Container-Meta-Quota-Count': '2' },
    });
    expect((await api.call('PUT', `${quota}/one`, { token: a.token, body: '123456' })).status).toBe(201);
    const over = await api.call('PUT', `${quota}/two`, { token: a.token, body: '123456' });
    expect(over.status).toBe(413);
    expect(over.text).toBe('Upload exceeds quota.');
    expect((await api.call('PUT', `${quota}/two`, { token: a.token, body: '1' })).status).toBe(201);
    expect((await api.call('PUT', `${quota}/three`, { token: a.token, body: '' })).status).toBe(413);
  });

  it('deletes only empty containers, and 404s what is not there', async () => {
    expect((await api.call('DELETE', `${root}/photos`, { token: a.token })).status).toBe(409);
    expect((await api.call('DELETE', `${root}/Zeta`, { token: a.token })).status).toBe(204);
    expect((await api.call('DELETE', `${root}/Zeta`, { token: a.token })).status).toBe(404);
    expect((await api.call('HEAD', `${root}/Zeta`, { token: a.token })).status).toBe(404);
    expect((await api.call('POST', `${root}/Zeta`, { token: a.token })).status).toBe(404);
    expect((await api.call('PUT', `${root}/docs`, { token: a.token })).status).toBe(202);
  });

  it('lets a project reader read the account but change nothing', async () => {
    expect((await api.call('GET', root, { token: reader.token })).status).toBe(200);
    expect((await api.call('GET', `${root}/photos/index.html`, { token: reader.token })).status).toBe(200);
    const headers = { token: reader.token };
    expect((await api.call('PUT', `${root}/photos/new`, { ...headers, body: 'x' })).status).toBe(403);
    expect((await api.call('DELETE', `${root}/photos/index.html`, headers)).status).toBe(403);
    expect((await api.call('PUT', `${root}/readers`, headers)).status).toBe(403);
    expect((await api.call('POST', root, { ...headers, headers: { 'X-Account-Meta-X': '1' } })).status).toBe(
      403,
    );
  });

  it('keeps every account and container request of project B out of A', async () => {
    const asB = { token: b.token };
    const attempts: [string, string, RequestInit['body']?][] = [
      ['GET', root],
      ['HEAD', root],
      ['POST', root],
      ['GET', `${root}/photos`],
      ['HEAD', `${root}/photos`],
      ['PUT', `${root}/photos`],
      ['POST', `${root}/photos`],
      ['DELETE', `${root}/docs`],
      ['GET', `${root}/photos/index.html`],
      ['HEAD', `${root}/photos/index.html`],
      ['PUT', `${root}/photos/planted`, 'x'],
      ['POST', `${root}/photos/index.html`],
      ['DELETE', `${root}/photos/index.html`],
      ['COPY', `${root}/photos/index.html`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await api.call(method, path, {
        ...asB,
        body,
        headers: { Destination: 'photos/copy' },
      });
      expect([method, path, response.status]).toEqual([method, path, 403]);
    }
    // B cannot copy A's object into its own account either.
    await api.call('PUT', `${api.accountPath(b)}/mine`, asB);
    const copy = await api.call('PUT', `${api.accountPath(b)}/mine/loot`, {
      ...asB,
      headers: { 'X-Copy-From': 'photos/index.html', 'X-Copy-From-Account': `AUTH_${a.projectId}` },
    });
    expect(copy.status).toBe(403);
    // Anonymous requests are told to authenticate.
    expect((await api.call('GET', `${root}/photos`)).status).toBe(401);
    expect((await api.call('GET', `${root}/photos`, { token: 'not-a-token' })).status).toBe(401);
    expect((await api.call('GET', `${root}/photos`, { token: a.token })).status).toBe(200);
  });

  it('validates and applies ACLs: grants by project and user, write grants, listings for referrers', async () => {
    const shared = `${root}/shared`;
    const bad = await api.call('PUT', shared, { token: a.token, headers: { 'X-Container-Write': '.r:*' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toBe("Referrers not allowed in write ACL: '.r:*'");
    await api.call('PUT', shared, {
      token: a.token,
      headers: { 'X-Container-Read': `${b.projectId}:${b.userId}`, 'X-Container-Write': `${b.projectId}:*` },
    });
    expect((await api.call('PUT', `${shared}/from-b`, { token: b.token, body: 'b was here' })).status).toBe(
      201,
    );
    expect((await api.call('GET', `${shared}/from-b`, { token: b.token })).text).toBe('b was here');
    expect((await api.call('GET', shared, { token: b.token })).text).toBe('from-b\n');
    expect((await api.call('DELETE', `${shared}/from-b`, { token: b.token })).status).toBe(204);
    await api.call('POST', shared, { token: a.token, headers: { 'X-Remove-Container-Write': 'x' } });
    expect((await api.call('PUT', `${shared}/again`, { token: b.token, body: 'no' })).status).toBe(403);

    await api.call('POST', shared, { token: a.token, headers: { 'X-Container-Read': '.r:.example.com' } });
    await api.call('PUT', `${shared}/page`, { token: a.token, body: 'hi' });
    const referred = { headers: { Referer: 'https://www.example.com/gallery' } };
    expect((await api.call('GET', `${shared}/page`, referred)).status).toBe(200);
    expect(
      (await api.call('GET', `${shared}/page`, { headers: { Referer: 'https://evil.test/' } })).status,
    ).toBe(401);
    expect((await api.call('GET', shared, referred)).status).toBe(401);
  });

  it('answers malformed requests with Swift 4xx errors, never a 5xx', async () => {
    const cases: {
      method: string;
      path: string;
      headers?: Record<string, string>;
      body?: string;
      status: number;
      text?: string;
    }[] = [
      { method: 'GET', path: `${root}/photos?limit=10001`, status: 412, text: 'Maximum limit is 10000' },
      { method: 'GET', path: `${root}/photos?delimiter=ab`, status: 412, text: 'Bad delimiter' },
      { method: 'GET', path: `${root}/photos`, headers: { Accept: 'image/png' }, status: 406 },
      { method: 'GET', path: `${root}/photos/%FF`, status: 412, text: 'Invalid UTF8 or contains NULL' },
      { method: 'GET', path: `${root}/photos/a%00b`, status: 412, text: 'Invalid UTF8 or contains NULL' },
      {
        method: 'PUT',
        path: `${root}/${'c'.repeat(257)}`,
        status: 400,
        text: 'Container name length of 257 longer than 256',
      },
      {
        method: 'PUT',
        path: `${root}/x`,
        headers: { 'X-Container-Read': '.r:' },
        status: 400,
        text: "No host/domain value after referrer designation in ACL: '.r:'",
      },
      {
        method: 'PUT',
        path: `${root}/x`,
        headers: { 'X-Container-Read': '.bogus:1' },
        status: 400,
        text: "Unknown designator '.bogus' in ACL: '.bogus:1'",
      },
      {
        method: 'PUT',
        path: `${root}/x`,
        headers: { 'X-Storage-Policy': 'gold' },
        status: 400,
        text: "Invalid X-Storage-Policy 'gold'",
      },
      {
        method: 'PUT',
        path: `${root}/x`,
        headers: { 'X-Versions-Location': 'a', 'X-History-Location': 'b' },
        status: 400,
        text: 'Only one of x-versions-location or x-history-location may be specified',
      },
      {
        method: 'POST',
        path: `${root}/photos`,
        headers: { 'X-Container-Meta-': 'v' },
        status: 400,
        text: 'Metadata name cannot be empty',
      },
      { method: 'PUT', path: root, status: 405 },
      { method: 'DELETE', path: root, status: 405 },
      { method: 'PATCH', path: `${root}/photos`, status: 405 },
      { method: 'GET', path: '/v2/whatever', status: 404 },
      { method: 'GET', path: `/v1/AUTH_${a.projectId}x/photos`, status: 403 },
    ];
    for (const c of cases) {
      const response = await api.call(c.method, c.path, { token: a.token, headers: c.headers, body: c.body });
      expect([c.method, c.path.slice(0, 60), response.status]).toEqual([
        c.method,
        c.path.slice(0, 60),
        c.status,
      ]);
      if (c.text) expect(response.text).toBe(c.text);
      else if (c.method !== 'HEAD') expect(response.text).toMatch(/^<html><h1>/);
    }
  });

  it('publishes capabilities at /info without a token', async () => {
    const info = await api.call('GET', '/info');
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({
      swift: { max_file_size: 5368709122, max_object_name_length: 1024, container_listing_limit: 10000 },
      slo: { max_manifest_segments: 1000 },
      tempurl: { methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] },
      bulk_delete: {},
      bulk_upload: {},
    });
  });
});
