import { ClientNats } from '@nestjs/microservices';
import { GetImage, ImageRef, RemoteErrorPayload } from '@stratus/contracts';
import { expectEventually, TEST_NATS_URL, TestCloud } from '@stratus/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { ImageApi, Project, projectWithToken, qcow2Header } from './image-helpers';

const MIB = 1024 * 1024;

describe('image API (Glance v2)', () => {
  let cloud: TestCloud;
  let api: ImageApi;
  let admin: string;
  let a: Project;
  let b: Project;
  let reader: Project;
  let storeDir: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['image'], {
      image: { IMAGE_QUOTA_IMAGES: '40', IMAGE_QUOTA_BYTES: String(48 * MIB), IMAGE_LIST_LIMIT_MAX: '50' },
    });
    api = new ImageApi(cloud.service('image').url);
    admin = await cloud.adminToken();
    [a, b] = await Promise.all([projectWithToken(cloud, 'img-a'), projectWithToken(cloud, 'img-b')]);
    reader = await projectWithToken(cloud, 'img-reader', 'reader');
    storeDir = join(cloud.env.dataDir, 'image', 'images');
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  const storeFiles = () => readdirSync(storeDir).filter((f) => f !== '.incoming');
  const incomingFiles = () => readdirSync(join(storeDir, '.incoming', hostname()));

  describe('versions and schemas', () => {
    it('answers GET / with 300 and GET /versions with 200, without a token', async () => {
      const root = await api.call('GET', '/');
      expect(root.status).toBe(300);
      const versions = await api.call('GET', '/versions');
      expect(versions.status).toBe(200);
      const ids = versions.json<{ versions: { id: string; status: string }[] }>().versions;
      expect(ids[0]).toMatchObject({ id: 'v2.16', status: 'CURRENT' });
      expect(ids.map((v) => v.id)).toContain('v2.0');
    });

    it('serves the image, images, member and members schemas', async () => {
      const image = (await api.call('GET', '/v2/schemas/image', { token: a.token })).json<{
        properties: Record<string, { enum?: unknown[] }>;
        additionalProperties: unknown;
      }>();
      expect(image.additionalProperties).toEqual({ type: 'string', maxLength: 65535 });
      expect(image.properties).not.toHaveProperty('locations');
      expect(image.properties.disk_format.enum).toContain('qcow2');
      expect(image.properties.visibility.enum).toEqual(['community', 'public', 'private', 'shared']);
      for (const name of ['images', 'member', 'members']) {
        expect((await api.call('GET', `/v2/schemas/${name}`, { token: a.token })).status).toBe(200);
      }
      expect((await api.call('GET', '/v2/schemas/image')).status).toBe(401);
    });
  });

  describe('create and validation', () => {
    it('creates a queued image with Glance defaults and headers', async () => {
      const response = await api.call('POST', '/v2/images', {
        token: a.token,
        json: { name: 'defaults', hw_disk_bus: 'scsi', tags: ['t1', 't1', 't2'] },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('openstack-image-import-methods')).toBe('glance-direct,web-download');
      const image = response.json();
      expect(response.headers.get('location')).toMatch(new RegExp(`/v2/images/${image.id}$`));
      expect(image).toMatchObject({
        status: 'queued',
        visibility: 'shared',
        owner: a.projectId,
        protected: false,
        os_hidden: false,
        size: null,
        virtual_size: null,
        checksum: null,
        disk_format: null,
        container_format: null,
        hw_disk_bus: 'scsi',
        tags: ['t1', 't2'],
        min_disk: 0,
        min_ram: 0,
      });
      expect(image.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it.each([
      ['an unknown disk format', { disk_format: 'floppy' }, 400],
      ['an unknown container format', { container_format: 'tarball' }, 400],
      ['a 256-character name', { name: 'n'.repeat(256) }, 400],
      ['a non-string custom property', { hw_cpu_cores: 4 }, 400],
      ['a non-boolean protected', { protected: 'yes' }, 400],
      ['a negative min_ram', { min_ram: -1 }, 400],
      ['a malformed id', { id: 'not-a-uuid' }, 400],
      ['a read-only status', { status: 'active' }, 403],
      ['a read-only checksum', { checksum: 'abc' }, 403],
      ['a disallowed self', { self: '/x' }, 403],
      ['a reserved namespace', { os_glance_import_task: 'x' }, 403],
      ['locations', { locations: [] }, 403],
      ['a 256-character property name', { ['p'.repeat(256)]: 'x' }, 400],
    ])('rejects %s', async (_what, body, status) => {
      const response = await api.call('POST', '/v2/images', { token: a.token, json: body });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('text/html');
    });

    it('rejects malformed JSON and non-object bodies with 400', async () => {
      const malformed = await api.call('POST', '/v2/images', {
        token: a.token,
        body: '{"name": ',
        contentType: 'application/json',
      });
      expect(malformed.status).toBe(400);
      expect((await api.call('POST', '/v2/images', { token: a.token, json: ['x'] })).status).toBe(400);
    });

    it('applies the create policy: members create for their project, only admins publish', async () => {
      expect((await api.call('POST', '/v2/images', { token: reader.token, json: {} })).status).toBe(403);
      expect(
        (await api.call('POST', '/v2/images', { token: a.token, json: { owner: b.projectId } })).status,
      ).toBe(403);
      expect(
        (await api.call('POST', '/v2/images', { token: a.token, json: { visibility: 'public' } })).status,
      ).toBe(403);
      const community = await api.createImage(a.token, { visibility: 'community' });
      expect(community.visibility).toBe('community');
      const id = randomUUID();
      expect((await api.createImage(admin, { id, visibility: 'public' })).id).toBe(id);
      expect((await api.call('POST', '/v2/images', { token: admin, json: { id } })).status).toBe(409);
    });
  });

  describe('unknown ids', () => {
    it.each([
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/file'],
      ['PUT', '/tags/x'],
      ['POST', '/actions/deactivate'],
      ['GET', '/members'],
    ])('%s /v2/images/<unknown>%s answers 404', async (method, suffix) => {
      for (const id of [randomUUID(), 'no-such-image']) {
        const response = await api.call(method, `/v2/images/${id}${suffix}`, { token: a.token });
        expect(response.status).toBe(404);
      }
    });

    it('answers 404 to a patch of an unknown image', async () => {
      const response = await api.patch(a.token, randomUUID(), [{ op: 'replace', path: '/name', value: 'x' }]);
      expect(response.status).toBe(404);
    });
  });

  describe('JSON-patch updates', () => {
    let id: string;
    beforeAll(async () => {
      id = (await api.createImage(a.token, { name: 'patchy' })).id as string;
    });

    it('adds, replaces and removes core and custom properties', async () => {
      const response = await api.patch(a.token, id, [
        { op: 'replace', path: '/name', value: 'renamed' },
        { op: 'add', path: '/hw_scsi_model', value: 'virtio-scsi' },
        { op: 'add', path: '/os_distro', value: 'cirros' },
        { op: 'replace', path: '/min_ram', value: 512 },
        { op: 'add', path: '/tags', value: ['x', 'y'] },
        { op: 'replace', path: '/protected', value: false },
      ]);
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({
        name: 'renamed',
        hw_scsi_model: 'virtio-scsi',
        os_distro: 'cirros',
        min_ram: 512,
        tags: ['x', 'y'],
      });
      const removed = await api.patch(a.token, id, [{ op: 'remove', path: '/hw_scsi_model' }]);
      expect(removed.status).toBe(200);
      expect(removed.json()).not.toHaveProperty('hw_scsi_model');
    });

    it.each([
      ['a body that is not an array', { op: 'add' }, 400],
      ['an operation that is not an object', ['add'], 400],
      ['an unknown op', [{ op: 'move', path: '/name', value: 'x' }], 400],
      ['a missing op', [{ path: '/name', value: 'x' }], 400],
      ['a missing value', [{ op: 'add', path: '/name' }], 400],
      ['a pointer without a leading slash', [{ op: 'add', path: 'name', value: 'x' }], 400],
      ['a nested pointer', [{ op: 'add', path: '/name/first', value: 'x' }], 400],
      ['a bad escape', [{ op: 'add', path: '/a~2b', value: 'x' }], 400],
      ['an oversize name', [{ op: 'replace', path: '/name', value: 'n'.repeat(256) }], 400],
      ['an unknown disk format', [{ op: 'replace', path: '/disk_format', value: 'floppy' }], 400],
      ['a non-string custom value', [{ op: 'add', path: '/hw_x', value: 1 }], 400],
      ['a read-only attribute', [{ op: 'replace', path: '/status', value: 'active' }], 403],
      ['a reserved attribute', [{ op: 'add', path: '/os_glance_x', value: 'x' }], 403],
      ['removal of a base attribute', [{ op: 'remove', path: '/name' }], 403],
      ['removal of a missing property', [{ op: 'remove', path: '/nope' }], 409],
      ['replacement of a missing property', [{ op: 'replace', path: '/nope', value: 'x' }], 409],
      ['a change of owner by a non-admin', [{ op: 'replace', path: '/owner', value: 'x' }], 403],
      ['publicising by a non-admin', [{ op: 'replace', path: '/visibility', value: 'public' }], 403],
      ['locations', [{ op: 'add', path: '/locations/-', value: { url: 'file:///x', metadata: {} } }], 403],
    ])('rejects %s', async (_what, ops, status) => {
      expect((await api.patch(a.token, id, ops)).status).toBe(status);
    });

    it('requires the JSON-patch media type (415 with Accept-Patch)', async () => {
      const response = await api.call('PATCH', `/v2/images/${id}`, {
        token: a.token,
        json: [{ op: 'replace', path: '/name', value: 'x' }],
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('accept-patch')).toContain('application/openstack-images-v2.1-json-patch');
    });

    it('accepts the draft-4 form of the v2.0 media type', async () => {
      const response = await api.call('PATCH', `/v2/images/${id}`, {
        token: a.token,
        json: [{ replace: '/name', value: 'draft4' }],
        contentType: 'application/openstack-images-v2.0-json-patch',
      });
      expect(response.status).toBe(200);
      expect(response.json().name).toBe('draft4');
    });

    it('enforces the property quota with 413', async () => {
      const many = Array.from({ length: 129 }, (_, i) => ({ op: 'add', path: `/p${i}`, value: 'v' }));
      expect((await api.patch(a.token, id, many)).status).toBe(413);
    });
  });

  describe('image data', () => {
    it('streams an upload, computes checksums and serves it back with Content-MD5 and Range', async () => {
      const data = randomBytes(3 * MIB + 123);
      const image = await api.createImage(a.token, { name: 'data' });
      const id = image.id as string;
      const upload = await api.upload(a.token, id, data);
      expect(upload.status).toBe(204);
      const shown = await api.show(a.token, id);
      expect(shown).toMatchObject({
        status: 'active',
        size: data.length,
        virtual_size: data.length,
        checksum: createHash('md5').update(data).digest('hex'),
        os_hash_algo: 'sha512',
        os_hash_value: createHash('sha512').update(data).digest('hex'),
      });

      const full = await fetch(`${api.url}/v2/images/${id}/file`, { headers: { 'X-Auth-Token': a.token } });
      expect(full.status).toBe(200);
      expect(full.headers.get('content-md5')).toBe(shown.checksum);
      expect(full.headers.get('content-length')).toBe(String(data.length));
      expect(Buffer.from(await full.arrayBuffer()).equals(data)).toBe(true);

      const part = await fetch(`${api.url}/v2/images/${id}/file`, {
        headers: { 'X-Auth-Token': a.token, Range: 'bytes=100-199' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${data.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);

      const tail = await fetch(`${api.url}/v2/images/${id}/file`, {
        headers: { 'X-Auth-Token': a.token, Range: 'bytes=-10' },
      });
      expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 10))).toBe(true);

      const outside = await api.call('GET', `/v2/images/${id}/file`, {
        token: a.token,
        headers: { Range: `bytes=${data.length}-` },
      });
      expect(outside.status).toBe(416);

      // Active images take no more data.
      expect((await api.upload(a.token, id, Buffer.from('again'))).status).toBe(409);
    });

    it('reads virtual_size from a qcow2 header', async () => {
      const image = await api.createImage(a.token, { disk_format: 'qcow2' });
      expect(
        (await api.upload(a.token, image.id as string, qcow2Header(BigInt(10 * 1024 ** 3)))).status,
      ).toBe(204);
      const shown = await api.show(a.token, image.id as string);
      expect(shown).toMatchObject({ size: 4096, virtual_size: 10 * 1024 ** 3 });
    });

    it('answers 204 for an image without data, 415 for a wrong media type, 400 without formats', async () => {
      const image = await api.createImage(a.token);
      expect((await api.call('GET', `/v2/images/${image.id}/file`, { token: a.token })).status).toBe(204);
      const wrongType = await api.call('PUT', `/v2/images/${image.id}/file`, {
        token: a.token,
        body: 'x',
        contentType: 'text/plain',
      });
      expect(wrongType.status).toBe(415);
      const bare = await api.call('POST', '/v2/images', { token: a.token, json: {} });
      const noFormats = await api.upload(a.token, bare.json().id as string, Buffer.from('x'));
      expect(noFormats.status).toBe(400);
      expect((await api.show(a.token, bare.json().id as string)).status).toBe('queued');
    });

    it.each([
      ['with a Content-Length', 8 * MIB],
      ['chunked', undefined],
    ])('leaves a cut-off upload (%s) queued, with no partial file', async (_how, declared) => {
      const image = await api.createImage(a.token, { name: 'cut-off' });
      const id = image.id as string;
      await api.cutOffUpload(a.token, id, 2 * MIB, declared);
      await expectEventually(async () => {
        const shown = await api.show(a.token, id);
        expect(shown).toMatchObject({ status: 'queued', size: null, checksum: null });
        expect(incomingFiles()).toEqual([]);
      });
      expect(storeFiles()).not.toContain(id);
      // The upload can be retried.
      expect((await api.upload(a.token, id, Buffer.from('complete'))).status).toBe(204);
      expect((await api.show(a.token, id)).status).toBe('active');
    });

    it('stages and imports with glance-direct', async () => {
      const info = await api.call('GET', '/v2/info/import', { token: a.token });
      expect(info.json()).toMatchObject({ 'import-methods': { value: ['glance-direct', 'web-download'] } });
      const data = randomBytes(MIB);
      const image = await api.createImage(a.token, { name: 'imported' });
      const id = image.id as string;
      const stage = await api.call('PUT', `/v2/images/${id}/stage`, {
        token: a.token,
        body: data,
        contentType: 'application/octet-stream',
      });
      expect(stage.status).toBe(204);
      expect((await api.show(a.token, id)).status).toBe('uploading');
      const badMethod = await api.call('POST', `/v2/images/${id}/import`, {
        token: a.token,
        json: { method: { name: 'web-download' } },
      });
      expect(badMethod.status).toBe(400);
      const started = await api.call('POST', `/v2/images/${id}/import`, {
        token: a.token,
        json: { method: { name: 'glance-direct' } },
      });
      expect(started.status).toBe(202);
      await expectEventually(async () => {
        expect(await api.show(a.token, id)).toMatchObject({
          status: 'active',
          size: data.length,
          checksum: createHash('md5').update(data).digest('hex'),
        });
      });
      const unstaged = await api.createImage(a.token);
      const early = await api.call('POST', `/v2/images/${unstaged.id}/import`, {
        token: a.token,
        json: { method: { name: 'glance-direct' } },
      });
      expect(early.status).toBe(409);
    });
  });

  describe('visibility, sharing and policy between projects', () => {
    let privateId: string;
    let sharedId: string;
    let publicId: string;
    let communityId: string;

    beforeAll(async () => {
      privateId = (await api.createImage(a.token, { name: 'a-private', visibility: 'private' })).id as string;
      await api.upload(a.token, privateId, Buffer.from('private bytes'));
      sharedId = (await api.createImage(a.token, { name: 'a-shared' })).id as string;
      await api.upload(a.token, sharedId, Buffer.from('shared bytes'));
      publicId = (await api.createImage(admin, { name: 'public-one', visibility: 'public' })).id as string;
      communityId = (await api.createImage(a.token, { name: 'a-community', visibility: 'community' }))
        .id as string;
    });

    const listIds = async (token: string, query = '') =>
      (await api.call('GET', `/v2/images?limit=50${query}`, { token }))
        .json<{ images: { id: string }[] }>()
        .images.map((i) => i.id);

    it('hides a private image from another project entirely', async () => {
      expect((await api.call('GET', `/v2/images/${privateId}`, { token: b.token })).status).toBe(404);
      expect((await api.call('GET', `/v2/images/${privateId}/file`, { token: b.token })).status).toBe(404);
      expect(
        (await api.patch(b.token, privateId, [{ op: 'replace', path: '/name', value: 'x' }])).status,
      ).toBe(404);
      expect((await api.call('DELETE', `/v2/images/${privateId}`, { token: b.token })).status).toBe(404);
      expect(await listIds(b.token)).not.toContain(privateId);
      expect(await listIds(a.token)).toContain(privateId);
      expect(await listIds(admin)).toContain(privateId);
    });

    it('shows public images to everyone but lets only the owner or admin change them', async () => {
      expect(await listIds(b.token)).toContain(publicId);
      expect(
        (await api.patch(b.token, publicId, [{ op: 'replace', path: '/name', value: 'x' }])).status,
      ).toBe(403);
      expect((await api.call('DELETE', `/v2/images/${publicId}`, { token: b.token })).status).toBe(403);
    });

    it('lists community images only on request, and serves them to anyone', async () => {
      expect(await listIds(b.token)).not.toContain(communityId);
      expect(await listIds(b.token, '&visibility=community')).toContain(communityId);
      expect((await api.call('GET', `/v2/images/${communityId}`, { token: b.token })).status).toBe(200);
      expect(await listIds(a.token)).toContain(communityId);
    });

    it('shares an image: pending for the consumer until it accepts', async () => {
      expect((await api.call('GET', `/v2/images/${sharedId}`, { token: b.token })).status).toBe(404);
      const added = await api.call('POST', `/v2/images/${sharedId}/members`, {
        token: a.token,
        json: { member: b.projectId },
      });
      expect(added.status).toBe(200);
      expect(added.json()).toMatchObject({ member_id: b.projectId, image_id: sharedId, status: 'pending' });
      const again = await api.call('POST', `/v2/images/${sharedId}/members`, {
        token: a.token,
        json: { member: b.projectId },
      });
      expect(again.status).toBe(409);

      // Visible by id, not listed until accepted.
      expect((await api.call('GET', `/v2/images/${sharedId}`, { token: b.token })).status).toBe(200);
      expect(await listIds(b.token)).not.toContain(sharedId);
      expect(await listIds(b.token, '&member_status=pending')).toContain(sharedId);

      // Only the consumer decides; the consumer cannot share further.
      const byOwner = await api.call('PUT', `/v2/images/${sharedId}/members/${b.projectId}`, {
        token: a.token,
        json: { status: 'accepted' },
      });
      expect(byOwner.status).toBe(403);
      const reshare = await api.call('POST', `/v2/images/${sharedId}/members`, {
        token: b.token,
        json: { member: a.projectId },
      });
      expect(reshare.status).toBe(403);
      const badStatus = await api.call('PUT', `/v2/images/${sharedId}/members/${b.projectId}`, {
        token: b.token,
        json: { status: 'maybe' },
      });
      expect(badStatus.status).toBe(400);

      const accepted = await api.call('PUT', `/v2/images/${sharedId}/members/${b.projectId}`, {
        token: b.token,
        json: { status: 'accepted' },
      });
      expect(accepted.status).toBe(200);
      expect(await listIds(b.token)).toContain(sharedId);
      const download = await api.call('GET', `/v2/images/${sharedId}/file`, { token: b.token });
      expect(download.text).toBe('shared bytes');
      // A consumer may look but not change.
      expect(
        (await api.patch(b.token, sharedId, [{ op: 'replace', path: '/name', value: 'x' }])).status,
      ).toBe(403);

      const members = await api.call('GET', `/v2/images/${sharedId}/members`, { token: a.token });
      expect(members.json<{ members: unknown[] }>().members).toHaveLength(1);
      const own = await api.call('GET', `/v2/images/${sharedId}/members/${b.projectId}`, { token: b.token });
      expect(own.json()).toMatchObject({ status: 'accepted' });

      await api.call('PUT', `/v2/images/${sharedId}/members/${b.projectId}`, {
        token: b.token,
        json: { status: 'rejected' },
      });
      expect(await listIds(b.token)).not.toContain(sharedId);
      expect(await listIds(b.token, '&member_status=rejected')).toContain(sharedId);

      const removed = await api.call('DELETE', `/v2/images/${sharedId}/members/${b.projectId}`, {
        token: a.token,
      });
      expect(removed.status).toBe(204);
      expect((await api.call('GET', `/v2/images/${sharedId}`, { token: b.token })).status).toBe(404);
    });

    it('refuses members on images that are not shared', async () => {
      const response = await api.call('POST', `/v2/images/${privateId}/members`, {
        token: a.token,
        json: { member: b.projectId },
      });
      expect(response.status).toBe(403);
      const missing = await api.call('POST', `/v2/images/${sharedId}/members`, { token: a.token, json: {} });
      expect(missing.status).toBe(400);
    });

    it('lets a reader look but not change or download', async () => {
      expect((await api.call('GET', `/v2/images/${publicId}`, { token: reader.token })).status).toBe(200);
      expect((await api.call('GET', `/v2/images/${publicId}/file`, { token: reader.token })).status).toBe(
        403,
      );
    });
  });

  describe('protection, deactivation, tags, delete', () => {
    it('refuses to delete a protected image until it is unprotected', async () => {
      const image = await api.createImage(a.token, { protected: true });
      const refused = await api.call('DELETE', `/v2/images/${image.id}`, { token: a.token });
      expect(refused.status).toBe(403);
      await api.patch(a.token, image.id as string, [{ op: 'replace', path: '/protected', value: false }]);
      expect((await api.call('DELETE', `/v2/images/${image.id}`, { token: a.token })).status).toBe(204);
      expect((await api.call('GET', `/v2/images/${image.id}`, { token: a.token })).status).toBe(404);
    });

    it('deletes the data from the store with the image', async () => {
      const image = await api.createImage(a.token);
      await api.upload(a.token, image.id as string, Buffer.from('to be deleted'));
      expect(storeFiles()).toContain(image.id);
      await api.call('DELETE', `/v2/images/${image.id}`, { token: a.token });
      expect(storeFiles()).not.toContain(image.id);
    });

    it('deactivates (no download) and reactivates', async () => {
      const image = await api.createImage(a.token);
      const id = image.id as string;
      expect((await api.call('POST', `/v2/images/${id}/actions/deactivate`, { token: a.token })).status).toBe(
        403,
      );
      await api.upload(a.token, id, Buffer.from('deactivate me'));
      expect((await api.call('POST', `/v2/images/${id}/actions/deactivate`, { token: a.token })).status).toBe(
        204,
      );
      expect((await api.show(a.token, id)).status).toBe('deactivated');
      expect((await api.call('GET', `/v2/images/${id}/file`, { token: a.token })).status).toBe(403);
      expect((await api.call('GET', `/v2/images/${id}/file`, { token: admin })).status).toBe(200);
      expect((await api.call('POST', `/v2/images/${id}/actions/reactivate`, { token: a.token })).status).toBe(
        204,
      );
      expect((await api.call('GET', `/v2/images/${id}/file`, { token: a.token })).text).toBe('deactivate me');
    });

    it('adds and removes tags', async () => {
      const image = await api.createImage(a.token);
      const id = image.id as string;
      expect((await api.call('PUT', `/v2/images/${id}/tags/blue`, { token: a.token })).status).toBe(204);
      expect((await api.call('PUT', `/v2/images/${id}/tags/blue`, { token: a.token })).status).toBe(204);
      expect((await api.show(a.token, id)).tags).toEqual(['blue']);
      expect((await api.call('DELETE', `/v2/images/${id}/tags/blue`, { token: a.token })).status).toBe(204);
      expect((await api.call('DELETE', `/v2/images/${id}/tags/blue`, { token: a.token })).status).toBe(404);
      expect(
        (await api.call('PUT', `/v2/images/${id}/tags/${'t'.repeat(256)}`, { token: a.token })).status,
      ).toBe(400);
    });
  });

  describe('listing', () => {
    let owner: Project;
    const ids: string[] = [];

    beforeAll(async () => {
      owner = await projectWithToken(cloud, 'img-list');
      for (let i = 0; i < 7; i++) {
        const image = await api.createImage(owner.token, {
          name: `list-${i}`,
          visibility: 'private',
          disk_format: i % 2 ? 'qcow2' : 'raw',
          tags: i < 3 ? ['low'] : ['high'],
          flavor_hint: i === 5 ? 'big' : 'small',
        });
        ids.push(image.id as string);
        if (i < 4) await api.upload(owner.token, image.id as string, Buffer.alloc(1000 * (i + 1)));
      }
    });

    const names = async (query: string) => {
      const response = await api.call('GET', `/v2/images?visibility=private&${query}`, {
        token: owner.token,
      });
      expect(response.status).toBe(200);
      return response
        .json<{ images: { name: string }[] }>()
        .images.map((i) => i.name)
        .sort();
    };

    it('filters by name, status, tag, formats, sizes, properties and in:', async () => {
      expect(await names('name=list-3')).toEqual(['list-3']);
      expect(await names('name=in:list-1,"list-2"')).toEqual(['list-1', 'list-2']);
      expect(await names('status=queued')).toEqual(['list-4', 'list-5', 'list-6']);
      expect(await names('tag=low')).toEqual(['list-0', 'list-1', 'list-2']);
      expect(await names('tag=low&tag=high')).toEqual([]);
      expect(await names('disk_format=qcow2')).toEqual(['list-1', 'list-3', 'list-5']);
      expect(await names('size_min=2000&size_max=3000')).toEqual(['list-1', 'list-2']);
      expect(await names('flavor_hint=big')).toEqual(['list-5']);
      expect(await names(`owner=${owner.projectId}&status=active`)).toEqual([
        'list-0',
        'list-1',
        'list-2',
        'list-3',
      ]);
      expect(await names('created_at=gte:2000-01-01T00:00:00Z')).toHaveLength(7);
      expect(await names('updated_at=lt:2000-01-01T00:00:00Z')).toEqual([]);
    });

    it('sorts with sort_key/sort_dir and sort=', async () => {
      const sorted = async (query: string) =>
        (await api.call('GET', `/v2/images?visibility=private&${query}`, { token: owner.token }))
          .json<{ images: { name: string }[] }>()
          .images.map((i) => i.name);
      expect(await sorted('sort_key=name&sort_dir=asc')).toEqual(ids.map((_, i) => `list-${i}`));
      expect(await sorted('sort=name:desc')).toEqual(ids.map((_, i) => `list-${6 - i}`));
      expect((await sorted('sort=size:asc,name:asc')).slice(0, 3)).toEqual(['list-4', 'list-5', 'list-6']);
    });

    it('pages with limit, marker and next links that cover every image once', async () => {
      const seen: string[] = [];
      let next: string | undefined = '/v2/images?visibility=private&limit=3&sort_key=name&sort_dir=asc';
      let pages = 0;
      while (next) {
        const page: { images: { name: string }[]; next?: string; first: string } = (
          await api.call('GET', next, { token: owner.token })
        ).json();
        seen.push(...page.images.map((i) => i.name));
        expect(page.first).not.toContain('marker=');
        next = page.next;
        pages++;
      }
      expect(seen).toEqual(ids.map((_, i) => `list-${i}`));
      expect(pages).toBe(3);
    });

    it.each([
      ['limit=-1'],
      ['limit=abc'],
      ['marker=00000000-0000-0000-0000-000000000000'],
      ['sort_key=color'],
      ['sort_dir=sideways'],
      ['sort=name&sort_key=name'],
      ['changes-since=2020-01-01T00:00:00Z'],
      ['visibility=everyone'],
      ['member_status=maybe'],
      ['name=like:foo'],
      ['created_at=gt:yesterday'],
      ['size_min=big'],
      ['os_hidden=perhaps'],
    ])('rejects %s with 400', async (query) => {
      expect((await api.call('GET', `/v2/images?${query}`, { token: owner.token })).status).toBe(400);
    });
  });

  describe('quotas', () => {
    it('answers 413 past the image count quota', async () => {
      const q = await projectWithToken(cloud, 'img-quota-count');
      for (let i = 0; i < 40; i++) await api.createImage(q.token);
      const over = await api.call('POST', '/v2/images', { token: q.token, json: {} });
      expect(over.status).toBe(413);
      expect(over.text).toContain('image_count_total');
    });

    it('answers 413 past the byte quota, declared or streamed, and leaves the image queued', async () => {
      const q = await projectWithToken(cloud, 'img-quota-bytes');
      const first = await api.createImage(q.token);
      expect((await api.upload(q.token, first.id as string, Buffer.alloc(40 * MIB))).status).toBe(204);
      const second = await api.createImage(q.token);
      expect((await api.upload(q.token, second.id as string, Buffer.alloc(10 * MIB))).status).toBe(413);
      expect((await api.show(q.token, second.id as string)).status).toBe('queued');
      // Chunked: the service only learns the size as the data arrives.
      const chunked = await api.call('PUT', `/v2/images/${second.id}/file`, {
        token: q.token,
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(MIB));
            controller.close();
          },
        }),
        contentType: 'application/octet-stream',
      });
      expect(chunked.status).toBe(413);
      await expectEventually(async () => expect(incomingFiles()).toEqual([]));
      expect((await api.show(q.token, second.id as string)).status).toBe('queued');
      const usage = await api.call('GET', '/v2/info/usage', { token: q.token });
      expect(usage.json()).toMatchObject({
        usage: { image_size_total: { limit: 48, usage: 40 }, image_count_total: { limit: 40, usage: 2 } },
      });
    });
  });

  describe('NATS lookup for compute (image.image.get)', () => {
    let client: ClientNats;
    beforeAll(async () => {
      client = new ClientNats({ servers: TEST_NATS_URL });
      await client.connect();
    });
    afterAll(async () => {
      await client.close();
    });

    const lookup = (imageId: string, projectId: string | null, roles: string[]) =>
      firstValueFrom(
        client.send<ImageRef>(`${cloud.env.id}.${GetImage.subject}`, {
          imageId,
          context: { projectId, roles },
        }),
      );

    it('returns metadata to a project that may see the image, and ImageNotFound otherwise', async () => {
      const image = await api.createImage(a.token, {
        name: 'for-compute',
        visibility: 'private',
        hw_firmware_type: 'uefi',
        disk_format: 'qcow2',
      });
      const id = image.id as string;
      await api.upload(a.token, id, qcow2Header(BigInt(1024 ** 3)));
      const ref = await lookup(id, a.projectId, ['member', 'reader']);
      expect(ref).toMatchObject({
        id,
        status: 'active',
        owner: a.projectId,
        diskFormat: 'qcow2',
        virtualSize: 1024 ** 3,
        properties: { hw_firmware_type: 'uefi' },
        file: `/v2/images/${id}/file`,
        osHashAlgo: 'sha512',
      });
      await expect(lookup(id, b.projectId, ['member'])).rejects.toMatchObject({
        status: 404,
        type: 'ImageNotFound',
      } satisfies Partial<RemoteErrorPayload>);
      expect(await lookup(id, b.projectId, ['admin'])).toMatchObject({ id });
    });
  });
});
