import { expectEventually, TestCloud } from '@stratus/testing';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project, projectWithToken, rawHttp, SwiftApi } from './swift-api';

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

/** Splits a multipart/byteranges body into its parts' Content-Range and bytes. */
function byteranges(body: Buffer, contentType: string): { range: string; data: string }[] {
  const boundary = /boundary=(\S+)/.exec(contentType)![1];
  return body
    .toString('latin1')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head, data] = part.split('\r\n\r\n');
      return { range: /Content-Range: (.*)/.exec(head)![1].trim(), data: data.slice(0, -2) };
    });
}

/**
 * Objects over the API: streaming PUT with ETag checks and chunked bodies, Swift's limits and
 * errors, ranges and conditional requests, metadata, copies, expiry, static and dynamic large
 * objects, bulk delete and upload, and versioned containers.
 */
describe('object storage API: objects', () => {
  let cloud: TestCloud;
  let api: SwiftApi;
  let a: Project;
  let c: string;
  let work: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['object-storage'], {
      'object-storage': { OBJECT_STORAGE_EXPIRER_INTERVAL_SECONDS: '0.2' },
    });
    api = new SwiftApi(cloud.service('object-storage').url);
    a = await projectWithToken(cloud, 'obj-a');
    c = `${api.accountPath(a)}/box`;
    await api.call('PUT', c, { token: a.token });
    work = mkdtempSync(join(tmpdir(), 'object-api-'));
  }, 120_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await cloud?.stop();
  });

  const put = (name: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    api.call('PUT', `${c}/${name}`, { token: a.token, body: Buffer.from(body), headers });
  const get = (name: string, headers: Record<string, string> = {}, method = 'GET') =>
    api.call(method, `${c}/${name}`, { token: a.token, headers });

  it('streams a PUT, checks its ETag, and keeps its type and headers', async () => {
    const data = randomBytes(300_000);
    const created = await put('data.bin', data, {
      ETag: `"${md5(data)}"`,
      'Content-Type': 'application/x-custom',
      'Content-Disposition': 'attachment; filename="d.bin"',
      'Content-Encoding': 'identity',
      'X-Object-Meta-Colour': 'teal',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe(md5(data));
    const read = await get('data.bin');
    expect(read.body.equals(data)).toBe(true);
    expect(read.headers.get('content-type')).toBe('application/x-custom');
    expect(read.headers.get('content-disposition')).toBe('attachment; filename="d.bin"');
    expect(read.headers.get('content-encoding')).toBe('identity');
    expect(read.headers.get('x-object-meta-colour')).toBe('teal');
    expect(read.headers.get('x-timestamp')).toMatch(/^\d{10}\.\d{5}$/);

    const mismatch = await put('bad.bin', data, { ETag: md5('something else') });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toBe(
      '<html><h1>Unprocessable Entity</h1><p>Unable to process the contained instructions</p></html>',
    );
    expect((await get('bad.bin')).status).toBe(404);

    const chunks = [Buffer.from('chunked '), Buffer.from('transfer '), Buffer.from('encoding')];
    const stream = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunked = await api.call('PUT', `${c}/chunked.txt`, { token: a.token, body: stream });
    expect(chunked.status).toBe(201);
    const back = await get('chunked.txt');
    expect(back.text).toBe('chunked transfer encoding');
    expect(back.headers.get('content-type')).toBe('text/plain');

    expect((await put('page.html', '<p>')).status).toBe(201);
    expect((await get('page.html', {}, 'HEAD')).headers.get('content-type')).toBe('text/html');
    await put('guess.json', '{}', { 'Content-Type': 'text/plain', 'X-Detect-Content-Type': 'true' });
    expect((await get('guess.json', {}, 'HEAD')).headers.get('content-type')).toBe('application/json');
  });

  it("answers Swift's limits: 411, 413, and 400 for long names and metadata", async () => {
    const path = `${c}/limited`;
    const noLength = await rawHttp(api.url, `PUT ${path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${a.token}`);
    expect(noLength).toEqual({ status: 411, body: 'Missing Content-Length header.' });
    const tooBig = await api.raw('PUT', path, { 'X-Auth-Token': a.token, 'Content-Length': 5368709123 });
    expect(tooBig).toEqual({ status: 413, body: 'Your request is too large.' });
    const longName = await put('n'.repeat(1025), 'x');
    expect(longName.status).toBe(400);
    expect(longName.text).toBe('Object name length of 1025 longer than 1024');
    expect((await put('é'.repeat(512), 'x')).status).toBe(201);
    expect((await put('é'.repeat(513), 'x')).status).toBe(400);
    const meta = await put('meta', 'x', { 'X-Object-Meta-Big': 'v'.repeat(257) });
    expect(meta.text).toBe('Metadata value longer than 256: x-object-meta-big');
    expect((await get('limited')).status).toBe(404);
  });

  it('serves single, suffix and multiple ranges, and 416 for unsatisfiable ones', async () => {
    await put('alphabet', 'abcdefghijklmnopqrstuvwxyz');
    const single = await get('alphabet', { Range: 'bytes=2-4' });
    expect(single.status).toBe(206);
    expect(single.text).toBe('cde');
    expect(single.headers.get('content-range')).toBe('bytes 2-4/26');
    expect((await get('alphabet', { Range: 'bytes=-3' })).text).toBe('xyz');
    expect((await get('alphabet', { Range: 'bytes=24-' })).text).toBe('yz');
    const multi = await get('alphabet', { Range: 'bytes=0-1,10-12,-2' });
    expect(multi.status).toBe(206);
    expect(byteranges(multi.body, multi.headers.get('content-type')!)).toEqual([
      { range: 'bytes 0-1/26', data: 'ab' },
      { range: 'bytes 10-12/26', data: 'klm' },
      { range: 'bytes 24-25/26', data: 'yz' },
    ]);
    const unsatisfiable = await get('alphabet', { Range: 'bytes=30-40' });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe('bytes */26');
    expect((await get('alphabet', { Range: 'bytes=9-3' })).status).toBe(200);
    const head = await get('alphabet', {}, 'HEAD');
    expect(head.headers.get('content-length')).toBe('26');
    expect(head.body.length).toBe(0);
  });

  it('answers conditional requests as swob does', async () => {
    const etag = md5('abcdefghijklmnopqrstuvwxyz');
    const lastModified = (await get('alphabet', {}, 'HEAD')).headers.get('last-modified')!;
    const later = new Date(Date.parse(lastModified) + 3600_000).toUTCString();
    const earlier = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
    const notModified = await get('alphabet', { 'If-None-Match': `"${etag}"` });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await get('alphabet', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect((await get('alphabet', { 'If-Match': etag })).status).toBe(200);
    const failed = await get('alphabet', { 'If-Match': '"other"' });
    expect(failed.status).toBe(412);
    expect(failed.text).toBe('');
    expect((await get('alphabet', { 'If-Modified-Since': later })).status).toBe(304);
    expect((await get('alphabet', { 'If-Modified-Since': earlier })).status).toBe(200);
    expect((await get('alphabet', { 'If-Unmodified-Since': earlier })).status).toBe(412);
    expect((await get('alphabet', { 'If-Unmodified-Since': later, Range: 'bytes=0-0' })).text).toBe('a');

    expect((await put('alphabet', 'again', { 'If-None-Match': '*' })).status).toBe(412);
    expect((await put('fresh', 'new', { 'If-None-Match': '*' })).status).toBe(201);
    const unsupported = await put('fresh2', 'new', { 'If-None-Match': etag });
    expect(unsupported.status).toBe(400);
    expect(unsupported.text).toBe('If-None-Match only supports *');
  });

  it('replaces object metadata on POST and copies objects with COPY and X-Copy-From', async () => {
    await put('orig.txt', 'original', { 'X-Object-Meta-A': '1', 'X-Object-Meta-B': '2' });
    const posted = await api.call('POST', `${c}/orig.txt`, {
      token: a.token,
      headers: { 'X-Object-Meta-C': '3', 'Content-Type': 'text/x-changed' },
    });
    expect(posted.status).toBe(202);
    const head = await get('orig.txt', {}, 'HEAD');
    expect(head.headers.get('x-object-meta-a')).toBeNull();
    expect(head.headers.get('x-object-meta-c')).toBe('3');
    expect(head.headers.get('content-type')).toBe('text/x-changed');

    await api.call('PUT', `${api.accountPath(a)}/other`, { token: a.token });
    const copied = await api.call('COPY', `${c}/orig.txt`, {
      token: a.token,
      headers: { Destination: '/other/copy.txt', 'X-Object-Meta-D': '4' },
    });
    expect(copied.status).toBe(201);
    expect(copied.headers.get('x-copied-from')).toBe('box/orig.txt');
    expect(copied.headers.get('x-copied-from-last-modified')).toBe(head.headers.get('last-modified'));
    const copy = await api.call('GET', `${api.accountPath(a)}/other/copy.txt`, { token: a.token });
    expect(copy.text).toBe('original');
    expect(copy.headers.get('x-object-meta-c')).toBe('3');
    expect(copy.headers.get('x-object-meta-d')).toBe('4');

    const fresh = await put('fresh-copy.txt', '', {
      'X-Copy-From': 'box/orig.txt',
      'X-Fresh-Metadata': 'true',
      'X-Object-Meta-E': '5',
    });
    expect(fresh.status).toBe(201);
    const freshHead = await get('fresh-copy.txt', {}, 'HEAD');
    expect(freshHead.headers.get('x-object-meta-c')).toBeNull();
    expect(freshHead.headers.get('x-object-meta-e')).toBe('5');
    expect(freshHead.headers.get('etag')).toBe(md5('original'));

    // The copy is independent: the source can change or go away.
    await api.call('DELETE', `${c}/orig.txt`, { token: a.token });
    expect((await get('fresh-copy.txt')).text).toBe('original');
    expect((await put('x', '', { 'X-Copy-From': 'box/orig.txt' })).status).toBe(404);
    const badSource = await put('x', '', { 'X-Copy-From': 'nocontainer' });
    expect(badSource.status).toBe(412);
    expect(badSource.text).toBe('X-Copy-From header must be of the form <container name>/<object name>');
    expect((await put('x', 'body', { 'X-Copy-From': 'box/fresh-copy.txt' })).text).toBe(
      'Copy requests require a zero byte body',
    );
    expect((await api.call('COPY', `${c}/fresh-copy.txt`, { token: a.token })).status).toBe(412);
  });

  it('expires objects at X-Delete-At / X-Delete-After, and the expirer removes them', async () => {
    const at = Math.floor(Date.now() / 1000) + 3600;
    await put('later', 'x', { 'X-Delete-At': String(at) });
    expect((await get('later', {}, 'HEAD')).headers.get('x-delete-at')).toBe(String(at));
    expect((await put('soon', 'x', { 'X-Delete-After': '1' })).status).toBe(201);
    await expectEventually(async () => expect((await get('soon')).status).toBe(404), { timeoutMs: 10_000 });
    await expectEventually(
      async () => expect((await api.call('GET', `${c}?prefix=soon`, { token: a.token })).status).toBe(204),
      { timeoutMs: 10_000 },
    );
    expect((await put('past', 'x', { 'X-Delete-At': '1000' })).text).toBe('X-Delete-At in past');
    expect((await put('past', 'x', { 'X-Delete-At': 'soon' })).text).toBe('Non-integer X-Delete-At');
    expect((await put('past', 'x', { 'X-Delete-After': '0' })).text).toBe('X-Delete-After in past');
    // A POST without X-Delete-At clears it, as Swift's object POST replaces everything it carries.
    await api.call('POST', `${c}/later`, { token: a.token });
    expect((await get('later', {}, 'HEAD')).headers.get('x-delete-at')).toBeNull();
  });

  it('assembles static large objects from segments, ranges and inline data', async () => {
    await api.call('PUT', `${api.accountPath(a)}/segs`, { token: a.token });
    const seg = (i: number) => Buffer.alloc(1000 + i, 65 + i);
    for (let i = 0; i < 3; i++) {
      await api.call('PUT', `${api.accountPath(a)}/segs/s${i}`, { token: a.token, body: seg(i) });
    }
    const manifest = [
      { path: '/segs/s0', etag: md5(seg(0)), size_bytes: 1000 },
      { path: 'segs/s1' },
      { data: Buffer.from('--inline--').toString('base64') },
      { path: '/segs/s2', range: '0-9' },
    ];
    const whole = Buffer.concat([seg(0), seg(1), Buffer.from('--inline--'), seg(2).subarray(0, 10)]);
    const created = await api.call('PUT', `${c}/large?multipart-manifest=put`, {
      token: a.token,
      body: JSON.stringify(manifest),
      headers: { 'Content-Type': 'application/x-large' },
    });
    expect(created.status).toBe(201);
    const sloEtag = md5(md5(seg(0)) + md5(seg(1)) + md5('--inline--') + `${md5(seg(2))}:0-9;`);
    expect(created.headers.get('etag')).toBe(`"${sloEtag}"`);

    const read = await get('large');
    expect(read.body.equals(whole)).toBe(true);
    expect(read.headers.get('etag')).toBe(`"${sloEtag}"`);
    expect(read.headers.get('x-static-large-object')).toBe('True');
    expect(read.headers.get('content-type')).toBe('application/x-large');
    const range = await get('large', { Range: 'bytes=995-1004' });
    expect(range.body.equals(whole.subarray(995, 1005))).toBe(true);
    expect((await get('large', { 'If-None-Match': sloEtag })).status).toBe(304);

    const stored = await api.call('GET', `${c}/large?multipart-manifest=get`, { token: a.token });
    expect(stored.json<{ name?: string; bytes?: number }[]>()[0]).toMatchObject({
      name: '/segs/s0',
      bytes: 1000,
    });
    const raw = await api.call('GET', `${c}/large?multipart-manifest=get&format=raw`, { token: a.token });
    expect(raw.json<unknown[]>()[3]).toEqual({
      path: '/segs/s2',
      etag: md5(seg(2)),
      size_bytes: 1002,
      range: '0-9',
    });
    const listed = await api.call('GET', `${c}?prefix=large&format=json`, { token: a.token });
    expect(listed.json()).toEqual([
      expect.objectContaining({ bytes: whole.length, slo_etag: `"${sloEtag}"` }),
    ]);

    // A manifest of manifests reads through.
    const nested = await api.call('PUT', `${c}/nested?multipart-manifest=put`, {
      token: a.token,
      body: JSON.stringify([{ path: '/box/large' }, { path: '/segs/s0' }]),
    });
    expect(nested.status).toBe(201);
    expect((await get('nested')).body.equals(Buffer.concat([whole, seg(0)]))).toBe(true);

    const rejected = await api.call('PUT', `${c}/broken?multipart-manifest=put`, {
      token: a.token,
      body: JSON.stringify([
        { path: '/segs/missing' },
        { path: '/segs/s0', etag: 'wrong' },
        { path: '/segs/s1', size_bytes: 5 },
      ]),
    });
    expect(rejected.status).toBe(400);
    expect(rejected.text).toBe(
      'Errors:\n/segs/missing, 404 Not Found\n/segs/s0, Etag Mismatch\n/segs/s1, Size Mismatch\n',
    );
    expect(
      (await api.call('PUT', `${c}/broken?multipart-manifest=put`, { token: a.token, body: '{nope' })).text,
    ).toBe('Manifest must be valid JSON.\n');
    const etagMismatch = await api.call('PUT', `${c}/broken?multipart-manifest=put`, {
      token: a.token,
      body: JSON.stringify([{ path: '/segs/s0' }]),
      headers: { ETag: 'ffffffffffffffffffffffffffffffff' },
    });
    expect(etagMismatch.status).toBe(422);

    // A segment that changed after the manifest makes the object unreadable (409), as in Swift.
    await api.call('PUT', `${api.accountPath(a)}/segs/s1`, { token: a.token, body: 'changed' });
    expect((await get('large')).status).toBe(409);

    const deleted = await api.call('DELETE', `${c}/nested?multipart-manifest=delete`, {
      token: a.token,
      headers: { Accept: 'application/json' },
    });
    expect(deleted.status).toBe(200);
    // large, its three segments and nested; s0, listed twice, is gone the second time.
    expect(deleted.json()).toMatchObject({
      'Number Deleted': 5,
      'Number Not Found': 1,
      'Response Status': '200 OK',
      Errors: [],
    });
    expect((await api.call('GET', `${api.accountPath(a)}/segs`, { token: a.token })).status).toBe(204);
  });

  it('joins dynamic large objects from every object under their prefix', async () => {
    await api.call('PUT', `${api.accountPath(a)}/parts`, { token: a.token });
    for (const [name, body] of [
      ['movie/002', 'two-'],
      ['movie/001', 'one-'],
      ['movie/003', 'three'],
      ['other/001', 'nope'],
    ]) {
      await api.call('PUT', `${api.accountPath(a)}/parts/${name}`, {
        token: a.token,
        body: Buffer.from(body),
      });
    }
    const created = await put('movie', '', { 'X-Object-Manifest': 'parts/movie/' });
    expect(created.status).toBe(201);
    const read = await get('movie');
    expect(read.text).toBe('one-two-three');
    expect(read.headers.get('etag')).toBe(`"${md5(md5('one-') + md5('two-') + md5('three'))}"`);
    expect(read.headers.get('x-object-manifest')).toBe('parts/movie/');
    expect((await get('movie', { Range: 'bytes=2-5' })).text).toBe('e-tw');
    const bad = await put('bad-manifest', '', { 'X-Object-Manifest': '/parts' });
    expect(bad.status).toBe(400);
    expect(bad.text).toBe('X-Object-Manifest must be in the format container/prefix');
  });

  it('bulk deletes listed paths and reports per path', async () => {
    await api.call('PUT', `${api.accountPath(a)}/bulk`, { token: a.token });
    for (const name of ['a', 'b c'])
      await api.call('PUT', `${api.accountPath(a)}/bulk/${name}`, { token: a.token, body: 'x' });
    await api.call('PUT', `${api.accountPath(a)}/empty`, { token: a.token });
    const report = await api.call('POST', `${api.accountPath(a)}?bulk-delete`, {
      token: a.token,
      headers: { 'Content-Type': 'text/plain' },
      body: '/bulk/a\nbulk/b%20c\n/bulk/missing\n/empty\n/box\n',
    });
    expect(report.status).toBe(200);
    expect(report.text).toBe(
      'Number Deleted: 3\nNumber Not Found: 1\nResponse Body: \nResponse Status: 400 Bad Request\nErrors:\n/box, 409 Conflict\n',
    );
    expect((await api.call('GET', `${api.accountPath(a)}/bulk`, { token: a.token })).status).toBe(204);
    expect((await api.call('HEAD', `${api.accountPath(a)}/empty`, { token: a.token })).status).toBe(404);
  });

  it('extracts tar and tar.gz archives into containers and objects', async () => {
    const source = join(work, 'tree');
    mkdirSync(join(source, 'arch-a', 'deep'), { recursive: true });
    writeFileSync(join(source, 'arch-a', 'one.txt'), 'one');
    writeFileSync(join(source, 'arch-a', 'deep', 'two.txt'), 'two');
    execFileSync('tar', ['-czf', join(work, 'tree.tgz'), '-C', source, 'arch-a']);
    execFileSync('tar', ['-cf', join(work, 'flat.tar'), '-C', join(source, 'arch-a'), '.']);

    const toAccount = await api.call('PUT', `${api.accountPath(a)}?extract-archive=tar.gz`, {
      token: a.token,
      body: readFileSync(join(work, 'tree.tgz')),
      headers: { Accept: 'application/json' },
    });
    expect(toAccount.json()).toMatchObject({ 'Number Files Created': 2, 'Response Status': '201 Created' });
    expect(
      (await api.call('GET', `${api.accountPath(a)}/arch-a/deep/two.txt`, { token: a.token })).text,
    ).toBe('two');

    const toPrefix = await api.call('PUT', `${c}/unpacked/?extract-archive=tar`, {
      token: a.token,
      body: readFileSync(join(work, 'flat.tar')),
    });
    expect(toPrefix.text).toContain('Number Files Created: 2\n');
    expect((await get('unpacked/deep/two.txt')).text).toBe('two');

    const garbage = await api.call('PUT', `${c}?extract-archive=tar`, {
      token: a.token,
      body: randomBytes(2048),
    });
    expect(garbage.status).toBe(200);
    expect(garbage.text).toMatch(/Response Body: Invalid Tar File: .*\nResponse Status: 400 Bad Request/);
    expect((await api.call('PUT', `${c}?extract-archive=zip`, { token: a.token, body: 'x' })).text).toBe(
      'Unsupported archive format',
    );
  });

  it('keeps old versions in stack mode and history mode', async () => {
    const root = api.accountPath(a);
    await api.call('PUT', `${root}/archive`, { token: a.token });
    await api.call('PUT', `${root}/stacked`, {
      token: a.token,
      headers: { 'X-Versions-Location': 'archive' },
    });
    for (const v of ['v1', 'v2', 'v3'])
      await api.call('PUT', `${root}/stacked/doc`, { token: a.token, body: Buffer.from(v) });
    const versions = await api.call('GET', `${root}/archive?prefix=003doc/`, { token: a.token });
    expect(versions.text.trim().split('\n')).toHaveLength(2);
    expect(
      (await api.call('HEAD', `${root}/stacked`, { token: a.token })).headers.get('x-versions-location'),
    ).toBe('archive');
    await api.call('DELETE', `${root}/stacked/doc`, { token: a.token });
    expect((await api.call('GET', `${root}/stacked/doc`, { token: a.token })).text).toBe('v2');
    await api.call('DELETE', `${root}/stacked/doc`, { token: a.token });
    expect((await api.call('GET', `${root}/stacked/doc`, { token: a.token })).text).toBe('v1');
    await api.call('DELETE', `${root}/stacked/doc`, { token: a.token });
    expect((await api.call('GET', `${root}/stacked/doc`, { token: a.token })).status).toBe(404);

    await api.call('PUT', `${root}/history`, {
      token: a.token,
      headers: { 'X-History-Location': 'archive' },
    });
    for (const v of ['h1', 'h2'])
      await api.call('PUT', `${root}/history/log`, { token: a.token, body: Buffer.from(v) });
    expect((await api.call('DELETE', `${root}/history/log`, { token: a.token })).status).toBe(204);
    expect((await api.call('GET', `${root}/history/log`, { token: a.token })).status).toBe(404);
    const history = await api.call('GET', `${root}/archive?prefix=003log/&format=json`, { token: a.token });
    expect(history.json<{ content_type: string }[]>().map((e) => e.content_type)).toEqual([
      'application/octet-stream',
      'application/octet-stream',
      'application/x-deleted;swift_versions_deleted=1',
    ]);
    await api.call('PUT', `${root}/missing-archive`, {
      token: a.token,
      headers: { 'X-Versions-Location': 'nowhere' },
    });
    await api.call('PUT', `${root}/missing-archive/o`, { token: a.token, body: Buffer.from('1') });
    expect(
      (await api.call('PUT', `${root}/missing-archive/o`, { token: a.token, body: Buffer.from('2') })).status,
    ).toBe(412);
    await api.call('POST', `${root}/missing-archive`, {
      token: a.token,
      headers: { 'X-Remove-Versions-Location': 'x' },
    });
    expect(
      (await api.call('PUT', `${root}/missing-archive/o`, { token: a.token, body: Buffer.from('2') })).status,
    ).toBe(201);
  });

  it('takes browser form uploads signed with the Temp-URL-Key (form POST)', async () => {
    await api.call('POST', api.accountPath(a), {
      token: a.token,
      headers: { 'X-Account-Meta-Temp-URL-Key': 'formkey' },
    });
    const path = `${c}/uploads/`;
    const form = (fields: Record<string, string>, files: [string, string][], key = 'formkey') => {
      const expires = fields.expires ?? String(Math.floor(Date.now() / 1000) + 60);
      const values = { redirect: '', max_file_size: '100', max_file_count: '2', ...fields, expires };
      const signed = [path, values.redirect, values.max_file_size, values.max_file_count, expires].join('\n');
      const data = new FormData();
      for (const [name, value] of Object.entries(values)) data.append(name, value);
      data.append('signature', createHmac('sha256', key).update(signed).digest('hex'));
      files.forEach(([name, body], i) =>
        data.append(`file${i}`, new Blob([body], { type: 'text/plain' }), name),
      );
      return fetch(api.url + path, { method: 'POST', body: data, redirect: 'manual' });
    };

    const created = await form({}, [
      ['a.txt', 'first file'],
      ['b.txt', 'second file'],
    ]);
    expect(created.status).toBe(201);
    expect(await created.text()).toBe('201 Created');
    expect((await get('uploads/b.txt')).text).toBe('second file');
    expect((await get('uploads/a.txt', {}, 'HEAD')).headers.get('content-type')).toBe('text/plain');

    const redirected = await form({ redirect: 'https://app.example.com/done' }, [['c.txt', 'third']]);
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe('https://app.example.com/done?status=201&message=');

    const tooBig = await form({}, [['big.txt', 'x'.repeat(101)]]);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toBe('400 Bad Request\r\nFormPost: Max_File_Size Exceeded');
    expect((await get('uploads/big.txt')).status).toBe(404);
    const tooMany = await form({ max_file_count: '1' }, [
      ['d.txt', 'd'],
      ['e.txt', 'e'],
    ]);
    expect(await tooMany.text()).toBe('400 Bad Request\r\nFormPost: Max_File_Count Exceeded');

    const forged = await form({}, [['f.txt', 'f']], 'guessed');
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('FormPost: Invalid Signature');
    const expired = await form({ expires: '1000' }, [['g.txt', 'g']]);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toBe('FormPost: Form Expired');
  });
});
