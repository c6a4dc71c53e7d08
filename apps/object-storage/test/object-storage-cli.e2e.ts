import { CliResult, jsonOf, openstack, swift, TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, Project, projectWithToken, SwiftApi } from './swift-api';

const MIB = 1024 * 1024;
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** A CLI result that must have succeeded; its output otherwise. */
function ok(result: CliResult): string {
  if (result.rc !== 0) {
    throw new Error(`${result.argv.join(' ')} failed (${result.rc}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** `swift stat` prints "Key: value" lines. */
function statOf(output: string): Record<string, string> {
  return Object.fromEntries(
    output
      .split('\n')
      .map((line) => /^\s*([^:]+):\s?(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1].trim(), m[2].trim()]),
  );
}

/**
 * The acceptance list of the object storage service, driven by the real clients: openstackclient's
 * container and object commands, and the swift CLI (python3-swiftclient) for segmented uploads,
 * downloads, ACLs, temporary URLs and stat, with isolation between two projects.
 */
describe('openstack and swift clients against object storage', () => {
  let cloud: TestCloud;
  let api: SwiftApi;
  let a: Project;
  let b: Project;
  let work: string;
  const big = randomBytes(3 * MIB + 12345);
  const small = Buffer.from('release notes\n');

  beforeAll(async () => {
    cloud = await TestCloud.start(['object-storage']);
    api = new SwiftApi(cloud.service('object-storage').url);
    [a, b] = await Promise.all([projectWithToken(cloud, 'cli-a'), projectWithToken(cloud, 'cli-b')]);
    work = mkdtempSync(join(tmpdir(), 'object-cli-'));
    writeFileSync(join(work, 'big.bin'), big);
    writeFileSync(join(work, 'readme.txt'), small);
  }, 120_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await cloud?.stop();
  });

  it('openstack container and object commands create, list, show, save, set and delete', async () => {
    const saved = join(work, 'saved.txt');
    const results = await openstack(cli(a), [
      ['container', 'create', 'docs', '-f', 'json'],
      ['object', 'create', 'docs', join(work, 'readme.txt'), '--name', 'notes/readme.txt', '-f', 'json'],
      ['container', 'list', '-f', 'json'],
      ['object', 'list', 'docs', '-f', 'json'],
      ['object', 'show', 'docs', 'notes/readme.txt', '-f', 'json'],
      ['object', 'save', 'docs', 'notes/readme.txt', '--file', saved],
      ['container', 'show', 'docs', '-f', 'json'],
      ['container', 'set', '--property', 'team=ops', 'docs'],
      ['object', 'set', '--property', 'color=blue', 'docs', 'notes/readme.txt'],
      ['object', 'show', 'docs', 'notes/readme.txt', '-f', 'json'],
      ['object', 'store', 'account', 'show', '-f', 'json'],
      ['container', 'delete', 'docs'],
      ['object', 'delete', 'docs', 'notes/readme.txt'],
      ['container', 'delete', 'docs'],
      ['container', 'list', '-f', 'json'],
    ]);
    const [created, uploaded, containers, objects, shown, save, container, setC, setO, reshown, account] =
      results;
    expect(jsonOf<{ container: string }[]>(created)[0].container).toBe('docs');
    expect(jsonOf<{ etag: string }[]>(uploaded)[0].etag).toBe(md5(small));
    expect(jsonOf<{ Name: string }[]>(containers)).toEqual([{ Name: 'docs' }]);
    expect(jsonOf<{ Name: string }[]>(objects)).toEqual([{ Name: 'notes/readme.txt' }]);
    expect(jsonOf(shown)).toMatchObject({
      'content-length': String(small.length),
      'content-type': 'text/plain',
      etag: md5(small),
      object: 'notes/readme.txt',
    });
    ok(save);
    expect(readFileSync(saved).equals(small)).toBe(true);
    expect(jsonOf(container)).toMatchObject({ object_count: '1', bytes_used: String(small.length) });
    ok(setC);
    ok(setO);
    expect(jsonOf(reshown)).toMatchObject({ properties: { Color: 'blue' } });
    expect(jsonOf(account)).toMatchObject({ Containers: '1', Objects: '1', Bytes: String(small.length) });
    const [, , , , , , , , , , , refused, deleted, removed, after] = results;
    expect(refused.rc).not.toBe(0);
    expect(refused.stderr).toContain('409');
    ok(deleted);
    ok(removed);
    expect(jsonOf(after)).toEqual([]);
  });

  it('swift upload --segment-size makes dynamic and static large objects that download byte for byte', async () => {
    const bigFile = join(work, 'big.bin');
    const results = await swift(cli(a), [
      ['upload', '--segment-size', String(MIB), '--object-name', 'dlo.bin', 'media', bigFile],
      ['upload', '--use-slo', '--segment-size', String(MIB), '--object-name', 'slo.bin', 'media', bigFile],
      ['stat', 'media', 'dlo.bin'],
      ['stat', 'media', 'slo.bin'],
      ['download', 'media', 'dlo.bin', '-o', join(work, 'dlo.out')],
      ['download', 'media', 'slo.bin', '-o', join(work, 'slo.out')],
      ['list', 'media_segments'],
      ['delete', 'media', 'slo.bin'],
      ['list', 'media_segments'],
      ['list', 'media'],
    ]);
    results.slice(0, 8).forEach(ok);
    const dlo = statOf(results[2].stdout);
    expect(dlo['Content Length']).toBe(String(big.length));
    expect(dlo.Manifest).toMatch(/^media_segments\/dlo\.bin\//);
    const slo = statOf(results[3].stdout);
    expect(slo['Content Length']).toBe(String(big.length));
    expect(slo['X-Static-Large-Object']).toBe('True');
    expect(readFileSync(join(work, 'dlo.out')).equals(big)).toBe(true);
    expect(readFileSync(join(work, 'slo.out')).equals(big)).toBe(true);
    expect(ok(results[6]).trim().split('\n')).toHaveLength(8);
    // Deleting the static large object took its four segments with it.
    expect(ok(results[8]).trim().split('\n')).toHaveLength(4);
    expect(ok(results[9]).trim()).toBe('dlo.bin');
  });

  it('swift stat shows the account, its counters and its metadata', async () => {
    const [post, stat, containerStat] = await swift(cli(a), [
      ['post', '-m', 'Owner:qa'],
      ['stat'],
      ['stat', 'media'],
    ]);
    ok(post);
    const account = statOf(ok(stat));
    expect(account).toMatchObject({
      Account: `AUTH_${a.projectId}`,
      Containers: '2',
      'Meta Owner': 'qa',
    });
    expect(Number(account.Objects)).toBeGreaterThanOrEqual(5);
    expect(statOf(ok(containerStat))).toMatchObject({ Container: 'media', Objects: '1' });
  });

  it("swift post -r '.r:*' lets anonymous clients read objects, and nothing more", async () => {
    const base = `${api.accountPath(a)}/public`;
    const before = await swift(cli(a), [
      ['upload', '--object-name', 'hello.txt', 'public', join(work, 'readme.txt')],
    ]);
    ok(before[0]);
    expect((await api.call('GET', `${base}/hello.txt`)).status).toBe(401);

    ok((await swift(cli(a), [['post', '-r', '.r:*', 'public']]))[0]);
    const read = await api.call('GET', `${base}/hello.txt`);
    expect(read.status).toBe(200);
    expect(read.body.equals(small)).toBe(true);
    expect((await api.call('GET', base)).status).toBe(401);
    expect((await api.call('PUT', `${base}/new.txt`, { body: 'x' })).status).toBe(401);
    expect((await api.call('DELETE', `${base}/hello.txt`)).status).toBe(401);
    expect((await api.call('GET', `${base}/hello.txt`, { token: b.token })).status).toBe(200);

    ok((await swift(cli(a), [['post', '-r', '.r:*,.rlistings', 'public']]))[0]);
    const listing = await api.call('GET', base);
    expect(listing.status).toBe(200);
    expect(listing.text).toBe('hello.txt\n');
  });

  it('swift tempurl gives links that work for their method and object until they expire', async () => {
    const path = `${api.accountPath(a)}/media/dlo.bin`;
    const [key, getUrl, putUrl, wrongKey, expired] = await swift(cli(a), [
      ['post', '-m', 'Temp-URL-Key:s3cret'],
      ['tempurl', 'GET', '60', path, 's3cret'],
      ['tempurl', 'PUT', '60', `${api.accountPath(a)}/media/dropped.txt`, 's3cret'],
      ['tempurl', 'GET', '60', path, 'guessed'],
      ['tempurl', '--absolute', 'GET', '1000000000', path, 's3cret'],
    ]);
    ok(key);
    const download = await api.call('GET', ok(getUrl).trim());
    expect(download.status).toBe(200);
    expect(download.body.equals(big)).toBe(true);
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="dlo.bin"; filename*=UTF-8''dlo.bin`,
    );
    expect((await api.call('DELETE', ok(getUrl).trim())).status).toBe(401);
    const upload = await api.call('PUT', ok(putUrl).trim(), { body: 'dropped off' });
    expect(upload.status).toBe(201);
    const refused = await api.call('GET', ok(wrongKey).trim());
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('401 Unauthorized: Temp URL invalid\n');
    expect((await api.call('GET', ok(expired).trim())).status).toBe(401);
    const stored = await api.call('GET', `${api.accountPath(a)}/media/dropped.txt`, { token: a.token });
    expect(stored.text).toBe('dropped off');
  });

  it("project B cannot see or change A's containers until A's ACLs let it", async () => {
    const storageUrl = `${api.url}${api.accountPath(a)}`;
    const asB = (argv: string[]) => ['--os-storage-url', storageUrl, ...argv];
    ok(
      (
        await swift(cli(a), [['upload', '--object-name', 'secret.txt', 'private', join(work, 'readme.txt')]])
      )[0],
    );

    const denied = await swift(cli(b), [
      ['list'],
      asB(['list']),
      asB(['list', 'private']),
      asB(['download', 'private', 'secret.txt', '-o', join(work, 'stolen.txt')]),
      asB(['upload', '--object-name', 'planted.txt', 'private', join(work, 'readme.txt')]),
      asB(['delete', 'private', 'secret.txt']),
      asB(['post', '-r', '.r:*', 'private']),
    ]);
    expect(ok(denied[0]).trim()).toBe('');
    for (const result of denied.slice(1)) {
      expect(result.rc).not.toBe(0);
      expect(result.stderr + result.stdout).toMatch(/403/);
    }
    const [bOwn] = await openstack(cli(b), [['container', 'list', '-f', 'json']]);
    expect(jsonOf(bOwn)).toEqual([]);

    ok(
      (
        await swift(cli(a), [
          ['post', '-r', `${b.projectId}:*`, '-w', `${b.projectId}:${b.userId}`, 'private'],
        ])
      )[0],
    );
    const allowed = await swift(cli(b), [
      asB(['list', 'private']),
      asB(['download', 'private', 'secret.txt', '-o', join(work, 'shared.txt')]),
      asB(['upload', '--object-name', 'from-b.txt', 'private', join(work, 'readme.txt')]),
      asB(['post', '-r', '.r:*', 'private']),
      asB(['list']),
    ]);
    expect(ok(allowed[0]).trim()).toBe('secret.txt');
    ok(allowed[1]);
    expect(readFileSync(join(work, 'shared.txt')).equals(small)).toBe(true);
    ok(allowed[2]);
    // ACLs grant objects, never the container's settings or the account.
    expect(allowed[3].rc).not.toBe(0);
    expect(allowed[4].rc).not.toBe(0);
    const owner = await api.call('HEAD', `${api.accountPath(a)}/private`, { token: a.token });
    expect(owner.headers.get('x-container-read')).toBe(`${b.projectId}:*`);
    const guest = await api.call('HEAD', `${api.accountPath(a)}/private`, { token: b.token });
    expect(guest.status).toBe(204);
    expect(guest.headers.get('x-container-read')).toBeNull();
  });
});
