import { randomUUID } from 'node:crypto';
import { LIBVIRT_SOCKET, requireLibvirtd } from '../../test/libvirtd';
import {
  connectGetCapabilities,
  connectGetHostname,
  connectGetLibVersion,
  connectGetType,
  connectGetVersion,
  nodeGetInfo,
} from './connect.procedures';
import { DomainEvent, subscribeDomainEvents } from './domain.events';
import {
  connectGetAllDomainStats,
  connectListAllDomains,
  domainAttachDeviceFlags,
  domainCreateWithFlags,
  domainDefineXmlFlags,
  domainDestroyFlags,
  domainGetInfo,
  domainGetState,
  domainGetXmlDesc,
  domainHasManagedSaveImage,
  domainLookupByName,
  domainLookupByUuid,
  domainManagedSave,
  domainReboot,
  domainResume,
  domainShutdownFlags,
  domainSuspend,
  domainUndefineFlags,
} from './domain.procedures';
import { buildDomainXml } from './domain-xml.builder';
import { LibvirtConnection } from './libvirt.connection';
import { LibvirtError } from './libvirt.error';
import {
  AffectFlag,
  DomainState,
  ErrorCode,
  LifecycleEvent,
  ListDomainsFlag,
  ShutoffReason,
  StatsType,
  UndefineFlag,
} from './remote-protocol';

/**
 * The remote-protocol procedures against the real libvirtd, on its test driver (test:///default):
 * an in-daemon mock hypervisor, so no guest boots. Its state starts afresh when no connection
 * holds it, but connections open at the same time share it: every test names its domains uniquely
 * and leaves the built-in "test" domain alone, so parallel test files cannot disturb each other.
 */

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const domainXml = (name: string, uuid = randomUUID()) =>
  buildDomainXml(
    {
      uuid,
      name,
      vcpus: 1,
      memoryMb: 128,
      rootDisk: { path: `/var/lib/stratus/instances/${uuid}/disk`, format: 'qcow2' },
      nics: [{ mac: '52:54:00:12:34:56', bridge: 'br-test', tapName: 'tap-test0' }],
    },
    { virtType: 'qemu', arch: 'i686', machineType: 'pc' },
  );

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('remote procedures against libvirtd (test:///default)', () => {
  let conn: LibvirtConnection;

  beforeAll(() => {
    requireLibvirtd();
  });

  beforeEach(async () => {
    conn = await LibvirtConnection.open('test:///default', LIBVIRT_SOCKET);
  });

  afterEach(async () => {
    await conn?.close();
  });

  it('reads connection and node facts', async () => {
    expect(await connectGetType(conn)).toBe('TEST');
    expect(await connectGetVersion(conn)).toBeGreaterThan(0);
    expect(await connectGetLibVersion(conn)).toBeGreaterThanOrEqual(9_000_000);
    expect(await connectGetHostname(conn)).not.toBe('');
    expect(await connectGetCapabilities(conn)).toContain('<capabilities>');
    expect(await nodeGetInfo(conn)).toMatchObject({
      model: 'i686',
      cpus: 16,
      memoryKib: 3_145_728n,
      nodes: 2,
    });
  });

  it('lists and looks up the test driver’s built-in domain', async () => {
    const test = (await connectListAllDomains(conn, ListDomainsFlag.Active)).find((d) => d.name === 'test');
    expect(test).toMatchObject({ name: 'test', id: 1 });
    if (!test) return;
    expect(await domainLookupByName(conn, 'test')).toEqual(test);
    expect(await domainLookupByUuid(conn, test.uuid)).toEqual(test);
    expect(await domainGetInfo(conn, test)).toMatchObject({ state: DomainState.Running, vcpus: 2 });
    expect(await domainGetXmlDesc(conn, test)).toContain('<name>test</name>');
  });

  it('rejects a missing domain with LibvirtError code 42 (no domain)', async () => {
    const error = await domainLookupByUuid(conn, randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ code: ErrorCode.NoDomain, isNoDomain: true });
  });

  it('walks a domain through define, start, suspend, resume, reboot, shutdown, destroy and undefine', async () => {
    const name = unique('lifecycle');
    const defined = await domainDefineXmlFlags(conn, domainXml(name));
    expect(defined).toMatchObject({ name, id: -1 });
    expect(await domainGetState(conn, defined)).toEqual({
      state: DomainState.Shutoff,
      reason: ShutoffReason.Unknown,
    });

    const running = await domainCreateWithFlags(conn, defined);
    expect(running.id).toBeGreaterThan(0);
    expect((await domainGetState(conn, running)).state).toBe(DomainState.Running);

    await domainSuspend(conn, running);
    expect((await domainGetState(conn, running)).state).toBe(DomainState.Paused);
    await domainResume(conn, running);
    expect((await domainGetState(conn, running)).state).toBe(DomainState.Running);
    await domainReboot(conn, running);
    expect((await domainGetState(conn, running)).state).toBe(DomainState.Running);

    await domainShutdownFlags(conn, running);
    expect(await domainGetState(conn, running)).toEqual({
      state: DomainState.Shutoff,
      reason: ShutoffReason.Shutdown,
    });
    await domainCreateWithFlags(conn, running);
    await domainDestroyFlags(conn, running);
    expect(await domainGetState(conn, running)).toEqual({
      state: DomainState.Shutoff,
      reason: ShutoffReason.Destroyed,
    });

    await domainUndefineFlags(conn, running, UndefineFlag.ManagedSave | UndefineFlag.SnapshotsMetadata);
    await expect(domainLookupByName(conn, name)).rejects.toMatchObject({ code: ErrorCode.NoDomain });
  });

  it('saves a domain’s memory with managed save and restores it on the next start', async () => {
    const domain = await domainCreateWithFlags(
      conn,
      await domainDefineXmlFlags(conn, domainXml(unique('saved'))),
    );
    await domainManagedSave(conn, domain);
    expect(await domainGetState(conn, domain)).toEqual({
      state: DomainState.Shutoff,
      reason: ShutoffReason.Saved,
    });
    expect(await domainHasManagedSaveImage(conn, domain)).toBe(true);
    await domainCreateWithFlags(conn, domain);
    expect((await domainGetState(conn, domain)).state).toBe(DomainState.Running);
    expect(await domainHasManagedSaveImage(conn, domain)).toBe(false);
  });

  it('shares test state between connections open at the same time', async () => {
    const name = unique('shared');
    await domainDefineXmlFlags(conn, domainXml(name));
    const other = await LibvirtConnection.open('test:///default', LIBVIRT_SOCKET);
    try {
      expect((await connectListAllDomains(other)).map((d) => d.name)).toContain(name);
      await domainUndefineFlags(other, await domainLookupByName(other, name));
      await expect(domainLookupByName(conn, name)).rejects.toMatchObject({ code: ErrorCode.NoDomain });
    } finally {
      await other.close();
    }
  });

  it('reads bulk state statistics as typed parameters', async () => {
    const name = unique('stats');
    const paused = await domainCreateWithFlags(conn, await domainDefineXmlFlags(conn, domainXml(name)));
    await domainSuspend(conn, paused);
    const stats = await connectGetAllDomainStats(conn, StatsType.State);
    const byName = new Map(stats.map((s) => [s.domain.name, s.params]));
    expect(byName.get('test')).toEqual([
      { field: 'state.state', value: DomainState.Running },
      { field: 'state.reason', value: expect.any(Number) },
    ]);
    expect(byName.get(name)?.[0]).toEqual({ field: 'state.state', value: DomainState.Paused });
  });

  it('reports what the driver cannot do as an error, not a broken connection', async () => {
    const test = await domainLookupByName(conn, 'test');
    await expect(domainAttachDeviceFlags(conn, test, '<disk/>', AffectFlag.Live)).rejects.toMatchObject({
      code: ErrorCode.NoSupport,
    });
    expect(await connectGetType(conn)).toBe('TEST');
  });

  it('answers hundreds of concurrent calls on one connection', async () => {
    const test = await domainLookupByName(conn, 'test');
    const states = await Promise.all(Array.from({ length: 200 }, () => domainGetState(conn, test)));
    expect(states.every((s) => s.state === DomainState.Running)).toBe(true);
  });

  it('delivers lifecycle events for this connection’s domains, until unsubscribed', async () => {
    const name = unique('evented');
    const events: DomainEvent[] = [];
    const subscription = await subscribeDomainEvents(conn, (event) => {
      if (event.domain.name === name) events.push(event);
    });
    expect(subscription.callbackIds).toHaveLength(3);

    const domain = await domainDefineXmlFlags(conn, domainXml(name));
    await domainCreateWithFlags(conn, domain);
    await domainSuspend(conn, domain);
    await domainResume(conn, domain);
    await domainDestroyFlags(conn, domain);
    await domainUndefineFlags(conn, domain);

    const expected = [
      LifecycleEvent.Defined,
      LifecycleEvent.Started,
      LifecycleEvent.Suspended,
      LifecycleEvent.Resumed,
      LifecycleEvent.Stopped,
      LifecycleEvent.Undefined,
    ];
    await eventually(() => events.length >= expected.length);
    expect(events.map((e) => (e.kind === 'lifecycle' ? e.event : e.kind))).toEqual(expected);

    await subscription.unsubscribe();
    await domainDefineXmlFlags(conn, domainXml(name));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toHaveLength(expected.length);
  });
});
