import { TestCloud } from '@stratus/testing';
import { CinderApi, Json, Project } from './block-storage-helpers';

jest.setTimeout(90_000);

const INSTANCE = '3f2c6f0e-8a4b-4f7d-9d51-0c7a3b9e2f10';
const OTHER_INSTANCE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** The Block Storage v3 API called directly: microversions, lists, actions, status rules and errors. */
describe('block storage API', () => {
  let cloud: TestCloud;
  let member: Project;
  let api: CinderApi;
  let admin: CinderApi;

  const create = async (body: Json = {}, client = api): Promise<string> => {
    const response = await client.call('POST', 'volumes', { json: { volume: { size: 1, ...body } } });
    expect(response.status).toBe(202);
    const id = String((response.body.volume as Json).id);
    await client.waitFor(id, 'available');
    return id;
  };

  const action = (id: string, body: Json, version = '3.0', client = api) =>
    client.call('POST', `volumes/${id}/action`, { json: body, version });

  beforeAll(async () => {
    cloud = await TestCloud.start(['block-storage']);
    member = await cloud.createProjectUser('api', 'member');
    api = await CinderApi.of(cloud, member);
    const adminToken = await cloud.adminToken();
    const { projects } = (await cloud.identityApi('GET', '/projects?name=admin')) as {
      projects: { id: string }[];
    };
    admin = new CinderApi(api.url, adminToken, projects[0].id);
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('serves version documents and honours microversions', async () => {
    const root = await api.call('GET', '/');
    expect(root.status).toBe(300);
    const [doc] = root.body.versions as Json[];
    expect(doc).toMatchObject({ id: 'v3.0', status: 'CURRENT', min_version: '3.0', version: '3.70' });
    expect((await api.call('GET', '/v3/')).body.versions).toEqual([doc]);

    const id = await create({ name: 'versioned' });
    const old = await api.call('GET', `volumes/${id}`);
    expect(old.headers.get('openstack-api-version')).toBe('volume 3.0');
    expect(old.headers.get('vary')).toBe('OpenStack-API-Version');
    expect(old.body.volume).not.toHaveProperty('volume_type_id');
    expect(old.body.volume).not.toHaveProperty('os-vol-host-attr:host');
    const latest = await api.call('GET', `volumes/${id}`, {
      headers: { 'OpenStack-API-Version': 'volume latest' },
    });
    expect(latest.headers.get('openstack-api-version')).toBe('volume 3.70');
    expect(latest.body.volume).toMatchObject({
      group_id: null,
      shared_targets: false,
      encryption_key_id: null,
      consumes_quota: true,
      volume_type_id: expect.any(String),
      service_uuid: expect.any(String),
    });
    const adminView = await admin.call('GET', `/v3/${admin.projectId}/volumes/${id}`, { version: '3.70' });
    expect((adminView.body.volume as Json)['os-vol-host-attr:host']).toMatch(/@file#file$/);

    const tooNew = await api.call('GET', 'volumes', { version: '3.71' });
    expect(tooNew.status).toBe(406);
    expect(tooNew.body.notAcceptable).toMatchObject({ code: 406 });
    const malformed = await api.call('GET', 'volumes', {
      headers: { 'OpenStack-API-Version': 'volume 3.x' },
    });
    expect(malformed.status).toBe(400);
    expect((malformed.body.badRequest as Json).message).toMatch(/invalid format/);

    // 3.67: the project may be left out of the URL; a URL naming another project is refused.
    const projectless = await api.call('GET', `/v3/volumes/${id}`, { version: '3.67' });
    expect((projectless.body.volume as Json).id).toBe(id);
    const wrongProject = await api.call('GET', `/v3/${admin.projectId}/volumes/${id}`);
    expect(wrongProject.status).toBe(400);
    expect(wrongProject.body.badRequest).toMatchObject({ message: 'Malformed request url' });
    expect((await api.call('GET', 'attachments')).status).toBe(404);
    expect((await api.call('GET', 'attachments', { version: '3.27' })).status).toBe(200);
  });

  it("answers malformed bodies and unknown ids in Cinder's fault shape", async () => {
    const cases: [string, string, { json?: unknown; body?: string }, number, string][] = [
      ['POST', 'volumes', { body: '{"volume": ' }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { size: 1 } }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { volume: { size: 'big' } } }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { volume: { size: 1, colour: 'red' } } }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { volume: { size: 1, metadata: { k: 5 } } } }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { volume: { size: 1, snapshot_id: 'not-a-uuid' } } }, 400, 'badRequest'],
      ['POST', 'volumes', { json: { volume: { size: 99999 } } }, 413, 'overLimit'],
      ['GET', 'volumes/5b1a8a8e-0000-4000-8000-000000000000', {}, 404, 'itemNotFound'],
      ['GET', 'volumes/not-an-id', {}, 404, 'itemNotFound'],
      [
        'PUT',
        'volumes/5b1a8a8e-0000-4000-8000-000000000000',
        { json: { volume: { name: 'x' } } },
        404,
        'itemNotFound',
      ],
      ['DELETE', 'volumes/5b1a8a8e-0000-4000-8000-000000000000', {}, 404, 'itemNotFound'],
      [
        'POST',
        'volumes/5b1a8a8e-0000-4000-8000-000000000000/action',
        { json: { 'os-extend': { new_size: 2 } } },
        404,
        'itemNotFound',
      ],
      ['GET', 'snapshots/5b1a8a8e-0000-4000-8000-000000000000', {}, 404, 'itemNotFound'],
      [
        'POST',
        'snapshots',
        { json: { snapshot: { volume_id: '5b1a8a8e-0000-4000-8000-000000000000' } } },
        404,
        'itemNotFound',
      ],
      ['GET', 'types/5b1a8a8e-0000-4000-8000-000000000000', {}, 404, 'itemNotFound'],
      ['GET', 'volumes?sort=colour:asc', {}, 400, 'badRequest'],
      ['GET', 'volumes?limit=-1', {}, 400, 'badRequest'],
      ['GET', 'volumes?marker=5b1a8a8e-0000-4000-8000-000000000000', {}, 404, 'itemNotFound'],
      ['GET', 'os-quota-sets/someone-else', {}, 403, 'forbidden'],
      ['PUT', 'os-quota-sets/x', { json: { quota_set: { volumes: 1 } } }, 403, 'forbidden'],
      ['POST', 'types', { json: { volume_type: { name: 't' } } }, 403, 'forbidden'],
    ];
    for (const [method, path, options, status, fault] of cases) {
      const response = await api.call(method, path, options);
      expect({ method, path, status: response.status, fault: Object.keys(response.body)[0] }).toEqual({
        method,
        path,
        status,
        fault,
      });
      expect(response.body[fault]).toMatchObject({ code: status, message: expect.any(String) });
    }
    const id = await create();
    for (const body of [
      {},
      { 'os-extend': {}, 'os-reserve': null },
      { 'os-fly': null },
      { 'os-extend': { new_size: 'x' } },
    ]) {
      const response = await action(id, body);
      expect(response.status).toBe(400);
    }
    const shrink = await action(id, { 'os-extend': { new_size: 1 } });
    expect((shrink.body.badRequest as Json).message).toMatch(
      /New size for extend must be greater than current size/,
    );
  });

  it('filters, sorts and pages volume lists', async () => {
    const lister = await cloud.createProjectUser('api-list', 'member');
    const client = await CinderApi.of(cloud, lister);
    const ids: string[] = [];
    for (const [i, name] of ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].entries()) {
      ids.push(await create({ name, size: i + 1, metadata: { parity: i % 2 ? 'odd' : 'even' } }, client));
    }
    await action(ids[0], { 'os-set_bootable': { bootable: true } }, '3.0', client);
    const names = async (query: string, version = '3.70') => {
      const response = await client.call('GET', `volumes/detail?${query}`, { version });
      expect(response.status).toBe(200);
      return (response.body.volumes as Json[]).map((v) => v.name);
    };
    expect(await names('sort=name:asc')).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    expect(await names('sort_key=size&sort_dir=desc')).toEqual([
      'epsilon',
      'delta',
      'gamma',
      'beta',
      'alpha',
    ]);
    expect(await names('name=beta')).toEqual(['beta']);
    expect(await names(`metadata=${encodeURIComponent("{'parity': 'odd'}")}&sort=name:asc`)).toEqual([
      'beta',
      'delta',
    ]);
    expect(await names('bootable=true')).toEqual(['alpha']);
    expect(await names('size=3')).toEqual(['gamma']);
    expect(await names('consumes_quota=true')).toHaveLength(5);
    expect(await names('consumes_quota=false')).toEqual([]);
    expect(await names('name~=ta&sort=name')).toEqual(['delta', 'beta']);
    expect(await names('created_at=gt:2000-01-01T00:00:00&status=available&sort=name:asc&limit=1')).toEqual([
      'alpha',
    ]);
    // Before 3.31 unknown filters are ignored; from 3.31 they are refused.
    expect(await names('colour=red', '3.30')).toHaveLength(5);
    expect((await client.call('GET', 'volumes?colour=red', { version: '3.31' })).status).toBe(400);

    const first = await client.call('GET', 'volumes?sort=name:asc&limit=2&with_count=true', {
      version: '3.45',
    });
    expect((first.body.volumes as Json[]).map((v) => v.name)).toEqual(['alpha', 'beta']);
    expect(first.body.count).toBe(5);
    const next = new URL(String((first.body.volumes_links as Json[])[0].href));
    expect(next.searchParams.get('marker')).toBe((first.body.volumes as Json[])[1].id);
    const second = await client.call('GET', `volumes${next.search}`, { version: '3.45' });
    expect((second.body.volumes as Json[]).map((v) => v.name)).toEqual(['delta', 'epsilon']);
    const last = await client.call('GET', 'volumes?sort=name:asc&limit=2&offset=4');
    expect((last.body.volumes as Json[]).map((v) => v.name)).toEqual(['gamma']);
    expect(last.body).not.toHaveProperty('volumes_links');

    const summary = await client.call('GET', 'volumes/summary', { version: '3.36' });
    expect(summary.body['volume-summary']).toEqual({
      total_size: 15,
      total_count: 5,
      metadata: { parity: expect.arrayContaining(['even', 'odd']) },
    });
    // Admins see other projects only when asking for all of them.
    const mine = await admin.call('GET', `/v3/${admin.projectId}/volumes`);
    expect((mine.body.volumes as Json[]).map((v) => v.id)).not.toContain(ids[0]);
    const everyone = await admin.call(
      'GET',
      `/v3/${admin.projectId}/volumes?all_tenants=1&project_id=${lister.projectId}`,
    );
    expect((everyone.body.volumes as Json[]).map((v) => v.id).sort()).toEqual([...ids].sort());
  });

  it('moves volumes through the older attach and detach actions', async () => {
    const id = await create();
    const connector = { host: 'cmp2', initiator: 'iqn.2024-01.org:cmp2', mountpoint: '/dev/vdc' };
    const steps: [Json, number, string][] = [
      [{ 'os-reserve': null }, 202, 'attaching'],
      [{ 'os-unreserve': null }, 202, 'available'],
      [{ 'os-reserve': {} }, 202, 'attaching'],
      [{ 'os-attach': { instance_uuid: INSTANCE, mountpoint: '/dev/vdc', mode: 'rw' } }, 202, 'in-use'],
      [{ 'os-begin_detaching': null }, 202, 'detaching'],
      [{ 'os-roll_detaching': null }, 202, 'in-use'],
      [{ 'os-begin_detaching': null }, 202, 'detaching'],
      [{ 'os-terminate_connection': { connector } }, 202, 'detaching'],
      [{ 'os-detach': {} }, 202, 'available'],
    ];
    for (const [body, status, after] of steps) {
      const response = await action(id, body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect((await api.volume(id)).status).toBe(after);
      if (after === 'in-use') {
        const volume = await api.volume(id);
        expect(volume.attachments).toEqual([
          expect.objectContaining({ server_id: INSTANCE, device: '/dev/vdc' }),
        ]);
        expect(volume.metadata).toEqual({ attached_mode: 'rw' });
      }
    }
    const connection = await action(id, { 'os-initialize_connection': { connector } });
    expect(connection.status).toBe(200);
    expect(connection.body.connection_info).toMatchObject({
      driver_volume_type: 'file',
      data: { volume_id: id, serial: id, format: 'raw', access_mode: 'rw' },
    });
    expect((await action(id, { 'os-begin_detaching': null })).status).toBe(400);
    expect((await action(id, { 'os-detach': {} })).status).toBe(400);
  });

  it('follows the attachments API through reserve, connect, complete and delete, with multiattach', async () => {
    const id = await create();
    const attach = (instance: string, extra: Json = {}, version = '3.54') =>
      api.call('POST', 'attachments', {
        json: { attachment: { volume_uuid: id, instance_uuid: instance, ...extra } },
        version,
      });
    const first = await attach(INSTANCE);
    expect(first.status).toBe(200);
    const attachment = first.body.attachment as Json;
    expect(attachment).toMatchObject({
      status: 'reserved',
      instance: INSTANCE,
      volume_id: id,
      attach_mode: 'rw',
    });
    expect((await api.volume(id)).status).toBe('reserved');
    const second = await attach(OTHER_INSTANCE);
    expect(second.status).toBe(400);
    expect((second.body.badRequest as Json).message).toMatch(/status must be available/);
    expect((await api.call('DELETE', `volumes/${id}`)).status).toBe(400);

    const updated = await api.call('PUT', `attachments/${String(attachment.id)}`, {
      json: { attachment: { connector: { host: 'cmp3', mountpoint: '/dev/vdb', do_local_attach: false } } },
      version: '3.27',
    });
    expect(updated.body.attachment).toMatchObject({
      status: 'attaching',
      connection_info: { driver_volume_type: 'file', attachment_id: attachment.id },
    });
    expect((await api.volume(id)).status).toBe('attaching');
    const tooEarly = await api.call('POST', `attachments/${String(attachment.id)}/action`, {
      json: { 'os-complete': null },
      version: '3.43',
    });
    expect(tooEarly.status).toBe(404);
    const completed = await api.call('POST', `attachments/${String(attachment.id)}/action`, {
      json: { 'os-complete': null },
      version: '3.44',
    });
    expect(completed.status).toBe(204);
    const inUse = await api.volume(id);
    expect(inUse).toMatchObject({
      status: 'in-use',
      attachments: [expect.objectContaining({ host_name: 'cmp3' })],
    });
    const listed = await api.call('GET', `attachments/detail?volume_id=${id}`, { version: '3.27' });
    expect(listed.body.attachments).toEqual([
      expect.objectContaining({ id: attachment.id, status: 'attached' }),
    ]);
    const removed = await api.call('DELETE', `attachments/${String(attachment.id)}`, { version: '3.27' });
    expect(removed).toMatchObject({ status: 200, body: { attachments: [] } });
    expect((await api.volume(id)).status).toBe('available');

    // A multiattach type lets a second instance attach while the first holds the volume.
    const typeResponse = await admin.call('POST', `/v3/${admin.projectId}/types`, {
      json: { volume_type: { name: 'shared', extra_specs: { multiattach: '<is> True' } } },
    });
    const shared = await create({ volume_type: (typeResponse.body.volume_type as Json).id });
    const sharedAttach = (instance: string) =>
      api.call('POST', 'attachments', {
        json: { attachment: { volume_uuid: shared, instance_uuid: instance, connector: { host: 'cmp4' } } },
        version: '3.44',
      });
    const a1 = (await sharedAttach(INSTANCE)).body.attachment as Json;
    await api.call('POST', `attachments/${String(a1.id)}/action`, {
      json: { 'os-complete': null },
      version: '3.44',
    });
    const a2 = await sharedAttach(OTHER_INSTANCE);
    expect(a2.status).toBe(200);
    expect((await sharedAttach(INSTANCE)).status).toBe(400);
    await api.call('DELETE', `attachments/${String(a1.id)}`, { version: '3.27' });
    expect((await api.volume(shared)).status).toBe('attaching');
    await api.call('DELETE', `attachments/${String((a2.body.attachment as Json).id)}`, { version: '3.27' });
    expect((await api.volume(shared)).status).toBe('available');
  });

  it('keeps readonly volumes read-only, and lets admins reset status and force-delete', async () => {
    const id = await create();
    expect((await action(id, { 'os-update_readonly_flag': { readonly: true } })).status).toBe(202);
    expect((await api.volume(id)).metadata).toEqual({ readonly: 'True' });
    const rw = await api.call('POST', 'attachments', {
      json: { attachment: { volume_uuid: id, instance_uuid: INSTANCE, mode: 'rw' } },
      version: '3.54',
    });
    expect(rw.status).toBe(400);
    expect((rw.body.badRequest as Json).message).toMatch(/Invalid attaching mode 'rw'/);
    const ro = await api.call('POST', 'attachments', {
      json: { attachment: { volume_uuid: id, instance_uuid: INSTANCE } },
      version: '3.54',
    });
    expect(ro.body.attachment).toMatchObject({ attach_mode: 'ro', status: 'reserved' });

    expect((await action(id, { 'os-reset_status': { status: 'error' } })).status).toBe(403);
    const adminPath = `/v3/${admin.projectId}/volumes/${id}/action`;
    expect(
      (
        await admin.call('POST', adminPath, {
          json: { 'os-reset_status': { status: 'available', attach_status: 'detached' } },
        })
      ).status,
    ).toBe(202);
    expect(await api.volume(id)).toMatchObject({ status: 'available', attachments: [] });
    expect(
      (await admin.call('POST', adminPath, { json: { 'os-reset_status': { status: 'sleeping' } } })).status,
    ).toBe(400);
    expect(
      (await admin.call('POST', adminPath, { json: { 'os-reset_status': { status: 'error_deleting' } } }))
        .status,
    ).toBe(202);
    expect((await api.call('DELETE', `volumes/${id}`)).status).toBe(400);
    expect((await action(id, { 'os-force_delete': null })).status).toBe(403);
    expect((await admin.call('POST', adminPath, { json: { 'os-force_delete': {} } })).status).toBe(202);
    await api.waitFor(id, 'gone');
  });

  it('deletes volumes with their snapshots on cascade, reverts to the latest snapshot and retypes', async () => {
    const id = await create({ name: 'cascade' });
    const snap = async (name: string) => {
      const response = await api.call('POST', 'snapshots', {
        json: { snapshot: { volume_id: id, name, metadata: { k: name } } },
      });
      expect(response.status).toBe(202);
      const snapshotId = String((response.body.snapshot as Json).id);
      await api.waitFor(snapshotId, 'available', 'snapshots');
      return snapshotId;
    };
    const s1 = await snap('s1');
    const s2 = await snap('s2');
    const filtered = await api.call('GET', `snapshots/detail?metadata=${encodeURIComponent('{"k": "s2"}')}`, {
      version: '3.22',
    });
    expect((filtered.body.snapshots as Json[]).map((s) => s.id)).toEqual([s2]);
    const shown = await api.call('GET', `snapshots/${s1}`, { version: '3.41' });
    expect(shown.body.snapshot).toMatchObject({
      'os-extended-snapshot-attributes:progress': '100%',
      'os-extended-snapshot-attributes:project_id': member.projectId,
      user_id: member.userId,
      metadata: { k: 's1' },
    });
    expect((await action(id, { revert: { snapshot_id: s1 } }, '3.40')).status).toBe(400);
    expect((await action(id, { revert: { snapshot_id: s2 } }, '3.39')).status).toBe(404);
    expect((await action(id, { revert: { snapshot_id: s2 } }, '3.40')).status).toBe(202);
    await api.waitFor(id, 'available');
    await api.waitFor(s2, 'available', 'snapshots');

    await admin.call('POST', `/v3/${admin.projectId}/types`, { json: { volume_type: { name: 'silver' } } });
    expect(
      (await action(id, { 'os-retype': { new_type: 'silver', migration_policy: 'never' } })).status,
    ).toBe(202);
    expect((await api.volume(id)).volume_type).toBe('silver');

    expect((await api.call('DELETE', `volumes/${id}`)).status).toBe(400);
    expect((await api.call('DELETE', `volumes/${id}?cascade=true`)).status).toBe(202);
    await api.waitFor(id, 'gone');
    for (const s of [s1, s2]) await api.waitFor(s, 'gone', 'snapshots');
  });

  it('extends attached volumes only from 3.42 and keeps image metadata', async () => {
    const id = await create();
    const reserved = await api.call('POST', 'attachments', {
      json: { attachment: { volume_uuid: id, instance_uuid: INSTANCE, connector: { host: 'cmp5' } } },
      version: '3.44',
    });
    const attachmentId = String((reserved.body.attachment as Json).id);
    await api.call('POST', `attachments/${attachmentId}/action`, {
      json: { 'os-complete': null },
      version: '3.44',
    });
    expect((await action(id, { 'os-extend': { new_size: 2 } }, '3.41')).status).toBe(400);
    expect((await action(id, { 'os-extend': { new_size: 2 } }, '3.42')).status).toBe(202);
    await expect(api.waitFor(id, 'in-use')).resolves.toMatchObject({ size: 2 });

    const set = await action(id, {
      'os-set_image_metadata': { metadata: { hw_disk_bus: 'scsi', os_distro: 'debian' } },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { metadata: { hw_disk_bus: 'scsi', os_distro: 'debian' } },
    });
    expect((await action(id, { 'os-unset_image_metadata': { key: 'os_distro' } })).status).toBe(200);
    expect((await action(id, { 'os-unset_image_metadata': { key: 'missing' } })).status).toBe(400);
    expect((await action(id, { 'os-show_image_metadata': null })).body).toEqual({
      metadata: { hw_disk_bus: 'scsi' },
    });
    const glance = await api.call(
      'GET',
      `volumes/detail?glance_metadata=${encodeURIComponent('{"hw_disk_bus": "scsi"}')}`,
      {
        version: '3.4',
      },
    );
    expect((glance.body.volumes as Json[]).map((v) => v.id)).toEqual([id]);
    expect((await api.volume(id)).volume_image_metadata).toEqual({ hw_disk_bus: 'scsi' });
  });

  it('manages volume metadata, types, extra specs and access, and default types', async () => {
    const id = await create({ metadata: { a: '1' } });
    const meta = (method: string, path = '', json?: unknown) =>
      api.call(method, `volumes/${id}/metadata${path}`, { json });
    expect((await meta('POST', '', { metadata: { b: '2' } })).body).toEqual({ metadata: { a: '1', b: '2' } });
    expect((await meta('PUT', '', { metadata: { c: '3' } })).body).toEqual({ metadata: { c: '3' } });
    expect((await meta('PUT', '/d', { meta: { d: '4' } })).body).toEqual({ meta: { d: '4' } });
    expect((await meta('PUT', '/d', { meta: { e: '4' } })).status).toBe(400);
    expect((await meta('GET', '/d')).body).toEqual({ meta: { d: '4' } });
    expect((await meta('DELETE', '/c')).status).toBe(200);
    expect((await meta('GET', '/c')).status).toBe(404);
    expect((await meta('GET')).body).toEqual({ metadata: { d: '4' } });
    // 3.15: the metadata's ETag guards a replacing PUT.
    const tagged = await api.call('GET', `volumes/${id}/metadata`, { version: '3.15' });
    const etag = String(tagged.headers.get('etag'));
    expect(etag).toMatch(/^[0-9a-f]{32}$/);
    const stale = await api.call('PUT', `volumes/${id}/metadata`, {
      json: { metadata: { x: '1' } },
      version: '3.15',
      headers: { 'If-Match': '"0123456789abcdef0123456789abcdef"' },
    });
    expect(stale.status).toBe(412);
    const fresh = await api.call('PUT', `volumes/${id}/metadata`, {
      json: { metadata: { x: '1' } },
      version: '3.15',
      headers: { 'If-Match': `"${etag}"` },
    });
    expect(fresh.body).toEqual({ metadata: { x: '1' } });

    const types = (method: string, path: string, json?: unknown, version?: string) =>
      admin.call(method, `/v3/${admin.projectId}/${path}`, { json, version });
    const created = await types('POST', 'types', {
      volume_type: { name: 'bronze', 'os-volume-type-access:is_public': false, extra_specs: { a: '1' } },
    });
    const typeId = String((created.body.volume_type as Json).id);
    expect((await types('POST', 'types', { volume_type: { name: 'bronze' } })).status).toBe(409);
    expect((await types('POST', `types/${typeId}/extra_specs`, { extra_specs: { b: '2' } })).body).toEqual({
      extra_specs: { b: '2' },
    });
    expect((await types('PUT', `types/${typeId}/extra_specs/c`, { c: '3' })).body).toEqual({ c: '3' });
    expect((await types('GET', `types/${typeId}/extra_specs`)).body).toEqual({
      extra_specs: { a: '1', b: '2', c: '3' },
    });
    expect((await types('DELETE', `types/${typeId}/extra_specs/a`)).status).toBe(202);
    expect((await types('GET', `types/${typeId}/extra_specs/a`)).status).toBe(404);
    expect((await api.call('GET', `types/${typeId}`)).status).toBe(404);
    expect(
      (await types('POST', `types/${typeId}/action`, { addProjectAccess: { project: member.projectId } }))
        .status,
    ).toBe(202);
    expect(
      (await types('POST', `types/${typeId}/action`, { addProjectAccess: { project: member.projectId } }))
        .status,
    ).toBe(409);
    expect((await types('GET', `types/${typeId}/os-volume-type-access`)).body).toEqual({
      volume_type_access: [{ volume_type_id: typeId, project_id: member.projectId }],
    });
    // Members see only the extra specs meant for users.
    expect((await api.call('GET', `types/${typeId}`)).body.volume_type).toMatchObject({
      name: 'bronze',
      extra_specs: {},
    });
    expect(
      (await types('PUT', `types/${typeId}`, { volume_type: { description: 'cheap' } })).body.volume_type,
    ).toMatchObject({
      description: 'cheap',
    });

    // 3.62: a project's own default type.
    expect(
      (
        await types(
          'PUT',
          `default-types/${member.projectId}`,
          { default_type: { volume_type: 'bronze' } },
          '3.61',
        )
      ).status,
    ).toBe(404);
    const setDefault = await types(
      'PUT',
      `default-types/${member.projectId}`,
      { default_type: { volume_type: 'bronze' } },
      '3.62',
    );
    expect(setDefault.body).toEqual({
      default_type: { project_id: member.projectId, volume_type_id: typeId },
    });
    expect((await api.call('GET', 'types/default')).body.volume_type).toMatchObject({ id: typeId });
    const typed = await create();
    expect((await api.volume(typed)).volume_type).toBe('bronze');
    expect((await types('DELETE', `types/${typeId}`)).status).toBe(400);
    expect((await types('DELETE', `default-types/${member.projectId}`, undefined, '3.62')).status).toBe(204);
    expect((await api.call('GET', 'types/default')).body.volume_type).toMatchObject({ name: '__DEFAULT__' });
  });

  it('reports quotas with usage, enforces them with 413, and shows limits', async () => {
    const limited = await cloud.createProjectUser('api-quota', 'member');
    const client = await CinderApi.of(cloud, limited);
    const quota = (method: string, path: string, json?: unknown) =>
      admin.call(method, `/v3/${admin.projectId}/${path}`, { json });
    const updated = await quota('PUT', `os-quota-sets/${limited.projectId}`, {
      quota_set: { volumes: 2, gigabytes: 4, snapshots: 1, per_volume_gigabytes: 3, volumes___DEFAULT__: 5 },
    });
    expect(updated.body.quota_set).toMatchObject({
      volumes: 2,
      gigabytes: 4,
      snapshots: 1,
      per_volume_gigabytes: 3,
    });
    expect(
      (await quota('PUT', `os-quota-sets/${limited.projectId}`, { quota_set: { bananas: 1 } })).status,
    ).toBe(400);
    expect(
      (await quota('PUT', `os-quota-sets/${limited.projectId}`, { quota_set: { volumes: -2 } })).status,
    ).toBe(400);

    const tooBig = await client.call('POST', 'volumes', { json: { volume: { size: 4 } } });
    expect(tooBig.status).toBe(413);
    expect((tooBig.body.overLimit as Json).message).toMatch(/larger than maximum allowed limit 3G/);
    const a = await create({ size: 2 }, client);
    const gigabytes = await client.call('POST', 'volumes', { json: { volume: { size: 3 } } });
    expect((gigabytes.body.overLimit as Json).message).toMatch(
      /exceeds allowed gigabytes quota. Requested 3G, quota is 4G and 2G has been consumed/,
    );
    const snapshot = await client.call('POST', 'snapshots', { json: { snapshot: { volume_id: a } } });
    expect(snapshot.status).toBe(202);
    const secondSnapshot = await client.call('POST', 'snapshots', { json: { snapshot: { volume_id: a } } });
    expect(secondSnapshot.status).toBe(413);
    const extend = await client.call('POST', `volumes/${a}/action`, {
      json: { 'os-extend': { new_size: 3 } },
    });
    expect(extend.status).toBe(413);

    const usage = await client.call('GET', `os-quota-sets/${limited.projectId}?usage=True`);
    expect(usage.body.quota_set).toMatchObject({
      id: limited.projectId,
      volumes: { limit: 2, in_use: 1, reserved: 0 },
      gigabytes: { limit: 4, in_use: 4 },
      snapshots: { limit: 1, in_use: 1 },
      volumes___DEFAULT__: { limit: 5, in_use: 1 },
    });
    expect(
      (await client.call('GET', `os-quota-sets/${limited.projectId}/defaults`)).body.quota_set,
    ).toMatchObject({
      volumes: 10,
      gigabytes: 1000,
    });
    const limits = await client.call('GET', 'limits');
    expect(limits.body).toEqual({
      limits: {
        rate: [],
        absolute: expect.objectContaining({
          maxTotalVolumes: 2,
          totalVolumesUsed: 1,
          totalGigabytesUsed: 4,
          totalSnapshotsUsed: 1,
        }),
      },
    });
    const lowered = await quota('PUT', `os-quota-sets/${limited.projectId}`, { quota_set: { gigabytes: 1 } });
    expect(lowered.status).toBe(400);
    expect((await quota('DELETE', `os-quota-sets/${limited.projectId}`)).status).toBe(200);
    expect((await client.call('GET', `os-quota-sets/${limited.projectId}`)).body.quota_set).toMatchObject({
      volumes: 10,
    });

    // Concurrent creates on MariaDB serialise on the project's quota row: exactly the limit passes.
    const racing = await cloud.createProjectUser('api-race', 'member');
    const racer = await CinderApi.of(cloud, racing);
    await quota('PUT', `os-quota-sets/${racing.projectId}`, { quota_set: { volumes: 5 } });
    const raced = await Promise.all(
      Array.from({ length: 12 }, () => racer.call('POST', 'volumes', { json: { volume: { size: 1 } } })),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([...Array(5).fill(202), ...Array(7).fill(413)]);

    const classSet = await quota('PUT', 'os-quota-class-sets/default', { quota_class_set: { groups: 5 } });
    expect(classSet.body.quota_class_set).toMatchObject({ groups: 5 });
  });

  it('records user messages for failed operations and describes the backend', async () => {
    const owner = await CinderApi.of(cloud, await cloud.createProjectUser('api-messages', 'member'));
    await admin.call('POST', `/v3/${admin.projectId}/types`, {
      json: { volume_type: { name: 'elsewhere', extra_specs: { volume_backend_name: 'lvm' } } },
    });
    const response = await owner.call('POST', 'volumes', {
      json: { volume: { size: 1, volume_type: 'elsewhere' } },
    });
    const id = String((response.body.volume as Json).id);
    await owner.waitFor(id, 'error');
    expect((await owner.call('GET', 'messages', { version: '3.2' })).status).toBe(404);
    const messages = await owner.call('GET', `messages?resource_uuid=${id}`, { version: '3.5' });
    const [message] = messages.body.messages as Json[];
    expect(message).toMatchObject({
      resource_uuid: id,
      resource_type: 'VOLUME',
      message_level: 'ERROR',
      event_id: 'VOLUME_VOLUME_001_002',
      user_message: 'schedule allocate volume: No storage could be allocated for this volume request.',
    });
    expect((await owner.call('GET', `messages/${String(message.id)}`, { version: '3.3' })).status).toBe(200);
    expect((await owner.call('DELETE', `messages/${String(message.id)}`, { version: '3.3' })).status).toBe(
      204,
    );
    expect((await owner.call('DELETE', `volumes/${id}`)).status).toBe(202);

    const zones = await owner.call('GET', 'os-availability-zone');
    expect(zones.body).toEqual({
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }],
    });
    const pools = await admin.call('GET', `/v3/${admin.projectId}/scheduler-stats/get_pools?detail=true`);
    expect((pools.body.pools as Json[])[0]).toMatchObject({
      name: expect.stringMatching(/@file#file$/),
      capabilities: {
        volume_backend_name: 'file',
        storage_protocol: 'file',
        total_capacity_gb: expect.any(Number),
      },
    });
    expect((await owner.call('GET', 'scheduler-stats/get_pools')).status).toBe(403);
    const filtered = await admin.call(
      'GET',
      `/v3/${admin.projectId}/scheduler-stats/get_pools?volume_type=elsewhere`,
      {
        version: '3.28',
      },
    );
    expect(filtered.body).toEqual({ pools: [] });
    const services = await admin.call('GET', `/v3/${admin.projectId}/os-services`);
    expect((services.body.services as Json[]).map((s) => s.binary)).toEqual([
      'cinder-scheduler',
      'cinder-volume',
    ]);
    const filters = await owner.call('GET', 'resource_filters?resource=volume', { version: '3.33' });
    expect(filters.body.resource_filters).toEqual([
      { resource: 'volume', filters: expect.arrayContaining(['name', 'status', 'metadata', 'bootable']) },
    ]);
    expect(((await owner.call('GET', 'extensions')).body.extensions as Json[]).length).toBeGreaterThan(5);
  });
});
