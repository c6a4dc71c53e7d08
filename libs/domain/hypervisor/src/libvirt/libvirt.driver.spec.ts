import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLibvirtd } from '../../test/fake-libvirtd';
import { LIBVIRT_SOCKET, requireLibvirtd } from '../../test/libvirtd';
import { InstanceSpec, PowerStateChange } from '../driver/hypervisor-driver';
import { HypervisorError } from '../driver/hypervisor.error';
import { PowerState } from '../driver/power-state';
import { domainGetXmlDesc, domainLookupByUuid } from './domain.procedures';
import { LibvirtConnection } from './libvirt.connection';
import { LibvirtDriver, lifecycleToPowerState, toPowerState } from './libvirt.driver';
import { DomainState, LifecycleEvent, RemoteProcedure, StoppedDetail } from './remote-protocol';
import { readDomain, readString, writeDomain, writeString } from './remote-types.codec';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof HypervisorError ? error.code : String(error)),
  );

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('power state mapping', () => {
  it('maps libvirt domain states to Nova power states', () => {
    expect(toPowerState(DomainState.Running, false)).toBe(PowerState.Running);
    expect(toPowerState(DomainState.Blocked, false)).toBe(PowerState.Running);
    expect(toPowerState(DomainState.Paused, false)).toBe(PowerState.Paused);
    expect(toPowerState(DomainState.Shutdown, false)).toBe(PowerState.Shutdown);
    expect(toPowerState(DomainState.Shutoff, false)).toBe(PowerState.Shutdown);
    expect(toPowerState(DomainState.Shutoff, true)).toBe(PowerState.Suspended);
    expect(toPowerState(DomainState.Crashed, false)).toBe(PowerState.Crashed);
    expect(toPowerState(DomainState.PmSuspended, false)).toBe(PowerState.Suspended);
    expect(toPowerState(DomainState.NoState, false)).toBe(PowerState.NoState);
  });

  it('maps lifecycle events to the power state they leave, ignoring those that change none', () => {
    expect(lifecycleToPowerState(LifecycleEvent.Started, 0)).toBe(PowerState.Running);
    expect(lifecycleToPowerState(LifecycleEvent.Resumed, 0)).toBe(PowerState.Running);
    expect(lifecycleToPowerState(LifecycleEvent.Suspended, 0)).toBe(PowerState.Paused);
    expect(lifecycleToPowerState(LifecycleEvent.Stopped, StoppedDetail.Destroyed)).toBe(PowerState.Shutdown);
    expect(lifecycleToPowerState(LifecycleEvent.Stopped, StoppedDetail.Saved)).toBe(PowerState.Suspended);
    expect(lifecycleToPowerState(LifecycleEvent.Stopped, StoppedDetail.Crashed)).toBe(PowerState.Crashed);
    expect(lifecycleToPowerState(LifecycleEvent.Crashed, 0)).toBe(PowerState.Crashed);
    expect(lifecycleToPowerState(LifecycleEvent.PmSuspended, 0)).toBe(PowerState.Suspended);
    expect(lifecycleToPowerState(LifecycleEvent.Defined, 0)).toBeUndefined();
    expect(lifecycleToPowerState(LifecycleEvent.Undefined, 0)).toBeUndefined();
    expect(lifecycleToPowerState(LifecycleEvent.Shutdown, 0)).toBeUndefined();
  });
});

/**
 * The driver against the real libvirtd's test driver: every call goes through the RPC client and
 * the daemon, only the hypervisor underneath is simulated. Instances get unique names because
 * connections open at the same time share test:///default's state.
 */
describe('LibvirtDriver against libvirtd (test:///default)', () => {
  let driver: LibvirtDriver;
  let dir: string;
  let changes: PowerStateChange[];

  const spec = (overrides: Partial<InstanceSpec> = {}): InstanceSpec => {
    const uuid = overrides.uuid ?? randomUUID();
    return {
      uuid,
      name: `drv-${uuid.slice(0, 8)}`,
      vcpus: 1,
      memoryMb: 128,
      rootDisk: { path: join(dir, `${uuid}.qcow2`), format: 'qcow2' },
      nics: [{ mac: '52:54:00:ab:cd:ef', bridge: 'br-test', tapName: `tap${uuid.slice(0, 8)}` }],
      serialLogPath: join(dir, `${uuid}.log`),
      ...overrides,
    };
  };

  const changesOf = (uuid: string) => changes.filter((c) => c.uuid === uuid).map((c) => c.powerState);

  beforeAll(() => {
    requireLibvirtd();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'libvirt-driver-'));
    driver = await LibvirtDriver.connect({
      uri: 'test:///default',
      socketPath: LIBVIRT_SOCKET,
      virtType: 'qemu',
      arch: 'i686',
      instancesPath: dir,
      pollIntervalMs: 20,
    });
    changes = [];
    driver.onPowerStateChange((change) => changes.push(change));
  });

  afterEach(async () => {
    await driver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the host', async () => {
    const host = await driver.hostInfo();
    expect(host).toMatchObject({ hypervisorType: 'TEST', vcpus: 16, memoryMb: 3072, cpuArch: 'i686' });
    expect(host.hostname).not.toBe('');
    expect(host.diskGb).toBeGreaterThan(0);
    expect(host.hypervisorVersion).toBeGreaterThan(0);
  });

  it('lists instances with their power state', async () => {
    const instances = await driver.listInstances();
    expect(instances).toContainEqual(
      expect.objectContaining({ name: 'test', powerState: PowerState.Running }),
    );
  });

  it('spawns a running instance, announced by a lifecycle event', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    expect(await driver.listInstances()).toContainEqual({
      uuid: s.uuid,
      name: s.name,
      powerState: PowerState.Running,
    });
    await eventually(() => changesOf(s.uuid).includes(PowerState.Running));
    expect(changes.find((c) => c.uuid === s.uuid)).toMatchObject({ name: s.name });
  });

  it('refuses to spawn over an existing instance', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await codeOf(driver.spawn(s))).toBe('INSTANCE_EXISTS');
    expect(await codeOf(driver.spawn(spec({ name: s.name })))).toBe('INSTANCE_EXISTS');
  });

  it('reports a failed spawn and leaves nothing behind', async () => {
    const bad = spec({ nics: [{ mac: 'not-a-mac', bridge: 'br-test', tapName: 'tapbad' }] });
    const error = await driver.spawn(bad).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SPAWN_FAILED' });
    expect((error as Error).message).toMatch(/mac/i);
    expect(await codeOf(driver.getPowerState(bad.uuid))).toBe('INSTANCE_NOT_FOUND');
  });

  it('creates the root disk as a qcow2 overlay of the base image, and deletes it with the instance', async () => {
    const base = join(dir, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
    const s = spec();
    s.rootDisk = { ...s.rootDisk, backingFile: base, backingFormat: 'qcow2', sizeGb: 1 };
    await driver.spawn(s);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', s.rootDisk.path]).toString());
    expect(info).toMatchObject({ format: 'qcow2', 'backing-filename': base, 'virtual-size': 1024 ** 3 });
    writeFileSync(s.serialLogPath!, 'boot log\n');
    await driver.destroy(s.uuid, { deleteDisks: true });
    expect(existsSync(s.rootDisk.path)).toBe(false);
    expect(existsSync(s.serialLogPath!)).toBe(false);
    expect(existsSync(base)).toBe(true);
  });

  it('keeps a root disk through a resize: the next spawn grows it and the data stays', async () => {
    const base = join(dir, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
    const s = spec();
    s.rootDisk = { ...s.rootDisk, backingFile: base, backingFormat: 'qcow2', sizeGb: 1 };
    await driver.spawn(s);
    await driver.destroy(s.uuid, { deleteDisks: false });
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 1M 64k', s.rootDisk.path]);
    await driver.spawn({ ...s, rootDisk: { ...s.rootDisk, sizeGb: 2 } });
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '-U', '--output=json', s.rootDisk.path]).toString(),
    );
    expect(info).toMatchObject({ 'virtual-size': 2 * 1024 ** 3, 'backing-filename': base });
    await driver.destroy(s.uuid, { deleteDisks: false });
    // Never shrunk: a revert to the smaller flavor keeps the bigger disk and its data.
    await driver.spawn(s);
    const again = JSON.parse(
      execFileSync('qemu-img', ['info', '-U', '--output=json', s.rootDisk.path]).toString(),
    );
    expect(again['virtual-size']).toBe(2 * 1024 ** 3);
    execFileSync('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', 'read -P 0xab 1M 64k', s.rootDisk.path]);
    await driver.destroy(s.uuid, { deleteDisks: true });
    expect(existsSync(s.rootDisk.path)).toBe(false);
  });

  it('boots from a volume and never deletes it, nor the volumes plugged at boot', async () => {
    const root = join(dir, 'volume-root');
    const data = join(dir, 'volume-data');
    writeFileSync(root, 'root volume');
    writeFileSync(data, 'data volume');
    const s = spec({
      rootDisk: { path: root, format: 'raw', serial: 'root-vol' },
      volumes: [{ path: data, serial: 'data-vol', format: 'raw' }],
    });
    await driver.spawn(s);
    await driver.destroy(s.uuid, { deleteDisks: true });
    expect(existsSync(root)).toBe(true);
    expect(existsSync(data)).toBe(true);
  });

  it('pauses, unpauses, suspends and resumes, with Nova power states and events', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.pause(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Paused);
    await driver.unpause(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    await driver.suspend(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Suspended);
    await driver.resume(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    await eventually(() => changesOf(s.uuid).length >= 5);
    expect(changesOf(s.uuid)).toEqual([
      PowerState.Running,
      PowerState.Paused,
      PowerState.Running,
      PowerState.Suspended,
      PowerState.Running,
    ]);
  });

  it('powers off (cleanly with a timeout, forced without) and on, and reboots', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.powerOff(s.uuid, { timeoutMs: 5_000 });
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Shutdown);
    await driver.powerOff(s.uuid);
    await driver.powerOn(s.uuid);
    await driver.powerOn(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    await driver.powerOff(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Shutdown);
    await driver.reboot(s.uuid, 'SOFT');
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    await driver.reboot(s.uuid, 'SOFT');
    await driver.reboot(s.uuid, 'HARD');
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
    await eventually(() => changesOf(s.uuid).at(-1) === PowerState.Running && changesOf(s.uuid).length >= 9);
  });

  it('refuses power moves that do not apply, and accepts those already done', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.unpause(s.uuid);
    await driver.resume(s.uuid);
    await driver.powerOff(s.uuid);
    expect(await codeOf(driver.pause(s.uuid))).toBe('INVALID_POWER_STATE');
    expect(await codeOf(driver.suspend(s.uuid))).toBe('INVALID_POWER_STATE');
    expect(await codeOf(driver.unpause(s.uuid))).toBe('INVALID_POWER_STATE');
  });

  it('forgets the saved memory of a suspended instance that is powered off', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.suspend(s.uuid);
    await driver.powerOff(s.uuid);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Shutdown);
  });

  it('destroys idempotently', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.destroy(s.uuid);
    await driver.destroy(s.uuid);
    expect(await codeOf(driver.getPowerState(s.uuid))).toBe('INSTANCE_NOT_FOUND');
    expect((await driver.listInstances()).map((i) => i.uuid)).not.toContain(s.uuid);
    await eventually(() => changesOf(s.uuid).at(-1) === PowerState.Shutdown);
  });

  it('answers INSTANCE_NOT_FOUND for an unknown instance', async () => {
    const unknown = randomUUID();
    // One call at a time: a rejection created before it is awaited would go unhandled.
    for (const call of [
      () => driver.getPowerState(unknown),
      () => driver.powerOn(unknown),
      () => driver.pause(unknown),
      () => driver.reboot(unknown, 'SOFT'),
      () => driver.getConsoleOutput(unknown),
      () => driver.attachVolume(unknown, { path: '/dev/null', serial: 'v' }),
      () => driver.attachInterface(unknown, { mac: '52:54:00:00:00:09', bridge: 'b', tapName: 't' }),
      () => driver.detachInterface(unknown, '52:54:00:00:00:09'),
    ]) {
      expect(await codeOf(call())).toBe('INSTANCE_NOT_FOUND');
    }
  });

  it('names NICs by a user alias from their MAC, and refuses a MAC twice or one not there', async () => {
    const s = spec();
    await driver.spawn(s);
    const conn = await LibvirtConnection.open('test:///default', LIBVIRT_SOCKET);
    try {
      const xml = await domainGetXmlDesc(conn, await domainLookupByUuid(conn, s.uuid));
      expect(xml).toMatch(/<mac address='52:54:00:ab:cd:ef'\/>[\s\S]*<alias name='ua-port-525400abcdef'\/>/);
    } finally {
      await conn.close();
    }
    const nic = { mac: '52:54:00:AB:CD:EF', bridge: 'br-test', tapName: 'tap-again' };
    expect(await codeOf(driver.attachInterface(s.uuid, nic))).toBe('NIC_ALREADY_ATTACHED');
    expect(await codeOf(driver.detachInterface(s.uuid, '52:54:00:00:00:01'))).toBe('NIC_NOT_ATTACHED');
    // test:///default cannot hot-plug: the failure still comes back as a HypervisorError.
    const error = await driver
      .attachInterface(s.uuid, { ...nic, mac: '52:54:00:00:00:02' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HYPERVISOR_ERROR' });
    expect((error as Error).message).toMatch(/attach interface 52:54:00:00:00:02 .*not supported/);
  });

  it('reads the tail of the serial console log', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await driver.getConsoleOutput(s.uuid)).toBe('');
    writeFileSync(s.serialLogPath!, 'SeaBIOS\nLinux version 6.1\nTINY-GUEST-MARKER\n');
    expect(await driver.getConsoleOutput(s.uuid)).toContain('TINY-GUEST-MARKER');
    expect(await driver.getConsoleOutput(s.uuid, { maxBytes: 18 })).toBe('TINY-GUEST-MARKER\n');
  });

  it('turns an unsupported hypervisor call into a HypervisorError', async () => {
    const s = spec();
    await driver.spawn(s);
    const error = await driver
      .attachVolume(s.uuid, { path: join(dir, 'vol'), serial: 'vol-1' })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'HYPERVISOR_ERROR' });
    expect((error as Error).message).toMatch(/attach volume vol-1 .*not supported/);
  });

  it('fails with HYPERVISOR_UNAVAILABLE when no daemon listens', async () => {
    await expect(
      LibvirtDriver.connect({
        uri: 'test:///default',
        socketPath: join(dir, 'missing-sock'),
        virtType: 'qemu',
      }),
    ).rejects.toMatchObject({ code: 'HYPERVISOR_UNAVAILABLE' });
  });
});

/**
 * What test:///default cannot show (device hot-plug, a daemon restart) against a fake daemon that
 * plays one running domain with one volume.
 */
describe('LibvirtDriver against a scripted daemon', () => {
  const UUID = '0b9c2d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
  const DOMAIN = { name: 'instance-1', uuid: UUID, id: 7 };
  const VOLUME_DISK = `<disk type='block' device='disk'>
      <source dev='/dev/mapper/vol-1'/>
      <target dev='vdb' bus='virtio'/>
      <serial>vol-1</serial>
      <alias name='ua-vol-vol-1'/>
    </disk>`;

  const NIC = (mac: string) => `<interface type='bridge'>
      <mac address='${mac}'/>
      <source bridge='brq-net'/>
      <target dev='tap-${mac.slice(-2)}'/>
      <alias name='ua-port-${mac.replace(/:/g, '')}'/>
    </interface>`;

  let daemon: FakeLibvirtd;
  let driver: LibvirtDriver | undefined;
  let volumeAttached: boolean;
  let nics: string[];
  let persistentDetaches: string[];
  let detachRequests: number;
  let releaseOnRequest: number;

  const xml = () => `<domain type='qemu' id='7'><name>instance-1</name><uuid>${UUID}</uuid><devices>
    <disk type='file' device='disk'><source file='/srv/disk'/><target dev='vda' bus='virtio'/><alias name='virtio-disk0'/></disk>
    ${volumeAttached ? VOLUME_DISK : ''}${nics.map(NIC).join('')}</devices></domain>`;

  const emitDeviceRemoved = (alias: string) =>
    daemon.emit(RemoteProcedure.DomainEventCallbackDeviceRemoved, (w) => {
      w.int(1);
      writeDomain(w, DOMAIN);
      writeString(w, alias);
    });

  const emitDeviceAdded = (alias: string) =>
    daemon.emit(RemoteProcedure.DomainEventCallbackDeviceAdded, (w) => {
      w.int(1);
      writeDomain(w, DOMAIN);
      writeString(w, alias);
    });

  beforeEach(async () => {
    volumeAttached = true;
    nics = ['52:54:00:00:00:01'];
    persistentDetaches = [];
    detachRequests = 0;
    releaseOnRequest = 1;
    let nextCallbackId = 0;
    daemon = await FakeLibvirtd.start(({ procedure, args }) => {
      switch (procedure) {
        case RemoteProcedure.ConnectDomainEventCallbackRegisterAny:
          return { ret: (w) => w.int(nextCallbackId++) };
        case RemoteProcedure.DomainLookupByUuid:
          return { ret: (w) => writeDomain(w, DOMAIN) };
        case RemoteProcedure.DomainGetState:
          return { ret: (w) => w.int(DomainState.Running).int(1) };
        case RemoteProcedure.DomainGetXmlDesc: {
          readDomain(args);
          return { ret: (w) => writeString(w, xml()) };
        }
        case RemoteProcedure.DomainDetachDeviceFlags: {
          readDomain(args);
          persistentDetaches.push(readString(args));
          return {};
        }
        case RemoteProcedure.DomainAttachDeviceFlags: {
          readDomain(args);
          const mac = /<mac address='([^']+)'/.exec(readString(args))![1];
          // QEMU reports the new device a little after the request returns.
          setTimeout(() => {
            nics.push(mac);
            emitDeviceAdded(`ua-port-${mac.replace(/:/g, '')}`);
          }, 20);
          return {};
        }
        case RemoteProcedure.DomainDetachDeviceAlias: {
          readDomain(args);
          const alias = readString(args);
          detachRequests += 1;
          if (detachRequests === releaseOnRequest) {
            // The guest lets go a little later, as QEMU's DEVICE_DELETED would come.
            setTimeout(() => {
              if (alias === 'ua-vol-vol-1') volumeAttached = false;
              nics = nics.filter((mac) => `ua-port-${mac.replace(/:/g, '')}` !== alias);
              emitDeviceRemoved(alias);
            }, 20);
          }
          return {};
        }
        case RemoteProcedure.ConnectGetAllDomainStats:
          return { ret: (w) => w.uint(0) };
        default:
          return { error: { code: 3, domain: 0, message: `procedure ${procedure} not scripted`, level: 2 } };
      }
    });
  });

  afterEach(async () => {
    await driver?.close();
    driver = undefined;
    await daemon.stop();
  });

  const connect = (overrides = {}) =>
    LibvirtDriver.connect({
      uri: 'qemu:///system',
      socketPath: daemon.socketPath,
      virtType: 'qemu',
      detachTimeoutMs: 200,
      detachAttempts: 3,
      maxReconnectDelayMs: 50,
      ...overrides,
    });

  it('completes a volume detach on the device-removed event', async () => {
    driver = await connect({ detachTimeoutMs: 5_000 });
    await driver.detachVolume(UUID, 'vol-1');
    expect(detachRequests).toBe(1);
    expect(volumeAttached).toBe(false);
  });

  it('asks again when the guest ignores a detach request', async () => {
    releaseOnRequest = 2;
    driver = await connect({ detachTimeoutMs: 1_000 });
    await driver.detachVolume(UUID, 'vol-1');
    expect(detachRequests).toBe(2);
  });

  it('gives up with DEVICE_DETACH_FAILED when the guest never lets go', async () => {
    releaseOnRequest = 99;
    driver = await connect();
    expect(await codeOf(driver.detachVolume(UUID, 'vol-1'))).toBe('DEVICE_DETACH_FAILED');
    expect(detachRequests).toBe(3);
  });

  it('refuses to detach a volume the instance does not have', async () => {
    driver = await connect();
    expect(await codeOf(driver.detachVolume(UUID, 'vol-9'))).toBe('VOLUME_NOT_ATTACHED');
  });

  it('hot-plugs a NIC and answers once the device-added event names its alias', async () => {
    driver = await connect({ attachTimeoutMs: 5_000 });
    await driver.attachInterface(UUID, { mac: '52:54:00:00:00:02', bridge: 'brq-net', tapName: 'tap-02' });
    expect(nics).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
  });

  it('unplugs a NIC from the definition, then live until the device-removed event', async () => {
    driver = await connect({ detachTimeoutMs: 5_000 });
    await driver.detachInterface(UUID, '52:54:00:00:00:01');
    expect(persistentDetaches).toEqual([expect.stringContaining("<mac address='52:54:00:00:00:01'/>")]);
    expect(detachRequests).toBe(1);
    expect(nics).toEqual([]);
    expect(await codeOf(driver.detachInterface(UUID, '52:54:00:00:00:01'))).toBe('NIC_NOT_ATTACHED');
  });

  it('turns lifecycle events into power state changes', async () => {
    driver = await connect();
    const seen: PowerStateChange[] = [];
    driver.onPowerStateChange((change) => seen.push(change));
    for (const [event, detail] of [
      [LifecycleEvent.Suspended, 0],
      [LifecycleEvent.Defined, 0],
      [LifecycleEvent.Stopped, StoppedDetail.Crashed],
    ]) {
      daemon.emit(RemoteProcedure.DomainEventCallbackLifecycle, (w) => {
        w.int(0);
        writeDomain(w, DOMAIN);
        w.int(event).int(detail);
      });
    }
    await eventually(() => seen.length === 2);
    expect(seen.map((c) => [c.uuid, c.name, c.powerState])).toEqual([
      [UUID, 'instance-1', PowerState.Paused],
      [UUID, 'instance-1', PowerState.Crashed],
    ]);
  });

  it('reconnects and subscribes again after the daemon drops the connection', async () => {
    driver = await connect();
    const registrations = () =>
      daemon.received.filter((h) => h.procedure === RemoteProcedure.ConnectDomainEventCallbackRegisterAny)
        .length;
    expect(registrations()).toBe(3);
    daemon.dropClients();
    await eventually(() => registrations() === 6);
    expect(await driver.listInstances()).toEqual([]);
    expect(daemon.received.filter((h) => h.procedure === RemoteProcedure.ConnectOpen)).toHaveLength(2);
  });
});
