import { randomUUID } from 'node:crypto';
import { InstanceSpec, PowerStateChange } from '../driver/hypervisor-driver';
import { HypervisorError } from '../driver/hypervisor.error';
import { PowerState } from '../driver/power-state';
import { FakeDriver } from './fake.driver';

const spec = (overrides: Partial<InstanceSpec> = {}): InstanceSpec => {
  const uuid = overrides.uuid ?? randomUUID();
  return {
    uuid,
    name: `instance-${uuid.slice(0, 8)}`,
    vcpus: 2,
    memoryMb: 2048,
    rootDisk: { path: `/var/lib/stratus/instances/${uuid}/disk`, format: 'qcow2', sizeGb: 20 },
    nics: [{ mac: 'fa:16:3e:00:00:01', bridge: 'br-int', tapName: 'tap0123456789a' }],
    ...overrides,
  };
};

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof HypervisorError ? error.code : String(error)),
  );

describe('FakeDriver', () => {
  let driver: FakeDriver;
  let changes: PowerStateChange[];

  beforeEach(() => {
    driver = new FakeDriver({ hostname: 'compute-1', vcpus: 8, memoryMb: 8192, diskGb: 100 });
    changes = [];
    driver.onPowerStateChange((change) => changes.push(change));
  });

  it('reports its configured capacity', async () => {
    expect(await driver.hostInfo()).toEqual({
      hostname: 'compute-1',
      vcpus: 8,
      memoryMb: 8192,
      diskGb: 100,
      hypervisorType: 'fake',
      hypervisorVersion: 1_000_000,
      cpuArch: 'x86_64',
    });
  });

  it('spawns a running instance and announces it', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await driver.listInstances()).toEqual([
      { uuid: s.uuid, name: s.name, powerState: PowerState.Running },
    ]);
    expect(changes).toEqual([
      expect.objectContaining({ uuid: s.uuid, name: s.name, powerState: PowerState.Running }),
    ]);
    expect(driver.usage()).toEqual({ instances: 1, vcpus: 2, memoryMb: 2048, diskGb: 20 });
  });

  it('refuses a second instance with the same UUID or name', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await codeOf(driver.spawn(s))).toBe('INSTANCE_EXISTS');
    expect(await codeOf(driver.spawn(spec({ name: s.name })))).toBe('INSTANCE_EXISTS');
  });

  it('refuses an instance that does not fit, resource by resource', async () => {
    await driver.spawn(spec({ vcpus: 6 }));
    expect(await codeOf(driver.spawn(spec({ vcpus: 3 })))).toBe('INSUFFICIENT_RESOURCES');
    expect(await codeOf(driver.spawn(spec({ vcpus: 1, memoryMb: 8000 })))).toBe('INSUFFICIENT_RESOURCES');
    const tooBig = spec({ vcpus: 1, memoryMb: 512 });
    tooBig.rootDisk.sizeGb = 90;
    expect(await codeOf(driver.spawn(tooBig))).toBe('INSUFFICIENT_RESOURCES');
    expect(await codeOf(driver.spawn(spec({ vcpus: 2, memoryMb: 6144 })))).toBe('resolved');
  });

  it('overcommits when capacity enforcement is off', async () => {
    const loose = new FakeDriver({ vcpus: 1, enforceCapacity: false });
    await loose.spawn(spec({ vcpus: 4 }));
    expect(loose.usage().vcpus).toBe(4);
  });

  it('fails spawns on demand and leaves nothing behind', async () => {
    const failing = new FakeDriver({ failSpawn: (s) => s.name.endsWith('-bad') });
    expect(await codeOf(failing.spawn(spec({ name: 'vm-bad' })))).toBe('SPAWN_FAILED');
    expect(await failing.listInstances()).toEqual([]);
    expect(await codeOf(failing.spawn(spec({ name: 'vm-good' })))).toBe('resolved');
    failing.setFailSpawn(true);
    expect(await codeOf(failing.spawn(spec()))).toBe('SPAWN_FAILED');
    failing.setFailSpawn(false);
    expect(await codeOf(failing.spawn(spec()))).toBe('resolved');
  });

  it('lets a build be rescheduled from a failing host to a healthy one', async () => {
    const [first, second] = FakeDriver.hosts(2, { vcpus: 4 });
    first.setFailSpawn(true);
    const s = spec();
    const placed = [];
    for (const host of [first, second]) {
      try {
        await host.spawn(s);
        placed.push(host.hostname);
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(HypervisorError);
      }
    }
    expect(placed).toEqual(['fake-host-2']);
    expect(await first.listInstances()).toEqual([]);
    expect((await second.listInstances()).map((i) => i.uuid)).toEqual([s.uuid]);
  });

  it('simulates hundreds of independent hosts in one process', async () => {
    const hosts = FakeDriver.hosts(300, { vcpus: 4, memoryMb: 4096 });
    await Promise.all(hosts.map((host, i) => host.spawn(spec({ vcpus: 1 + (i % 4), memoryMb: 1024 }))));
    expect(new Set(hosts.map((h) => h.hostname)).size).toBe(300);
    expect(hosts[0].usage()).toEqual({ instances: 1, vcpus: 1, memoryMb: 1024, diskGb: 20 });
    expect(hosts[3].usage().vcpus).toBe(4);
    expect(hosts.reduce((sum, h) => sum + h.usage().instances, 0)).toBe(300);
  });

  it('walks the power state machine with Nova power states', async () => {
    const s = spec();
    await driver.spawn(s);
    const states = async () => driver.getPowerState(s.uuid);

    await driver.pause(s.uuid);
    expect(await states()).toBe(PowerState.Paused);
    await driver.unpause(s.uuid);
    expect(await states()).toBe(PowerState.Running);
    await driver.suspend(s.uuid);
    expect(await states()).toBe(PowerState.Suspended);
    await driver.resume(s.uuid);
    expect(await states()).toBe(PowerState.Running);
    await driver.powerOff(s.uuid);
    expect(await states()).toBe(PowerState.Shutdown);
    await driver.powerOn(s.uuid);
    expect(await states()).toBe(PowerState.Running);
    await driver.reboot(s.uuid, 'SOFT');
    expect(await states()).toBe(PowerState.Running);

    expect(changes.map((c) => c.powerState)).toEqual([
      PowerState.Running,
      PowerState.Paused,
      PowerState.Running,
      PowerState.Suspended,
      PowerState.Running,
      PowerState.Shutdown,
      PowerState.Running,
      PowerState.Shutdown,
      PowerState.Running,
    ]);
  });

  it('treats reaching the current state as success and an impossible move as INVALID_POWER_STATE', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.powerOn(s.uuid);
    await driver.unpause(s.uuid);
    await driver.resume(s.uuid);
    expect(changes).toHaveLength(1);
    await driver.powerOff(s.uuid);
    await driver.powerOff(s.uuid);
    expect(await codeOf(driver.pause(s.uuid))).toBe('INVALID_POWER_STATE');
    expect(await codeOf(driver.suspend(s.uuid))).toBe('INVALID_POWER_STATE');
    await driver.reboot(s.uuid, 'HARD');
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Running);
  });

  it('destroys idempotently', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.destroy(s.uuid, { deleteDisks: true });
    await driver.destroy(s.uuid);
    expect(await driver.listInstances()).toEqual([]);
    expect(driver.usage().instances).toBe(0);
    expect(changes.at(-1)?.powerState).toBe(PowerState.Shutdown);
  });

  it('answers INSTANCE_NOT_FOUND for an unknown instance', async () => {
    const unknown = randomUUID();
    // One call at a time: a rejection created before it is awaited would go unhandled.
    for (const call of [
      () => driver.getPowerState(unknown),
      () => driver.powerOn(unknown),
      () => driver.reboot(unknown, 'HARD'),
      () => driver.getConsoleOutput(unknown),
      () => driver.detachVolume(unknown, 'vol'),
      () => driver.attachInterface(unknown, { mac: 'fa:16:3e:00:00:09', bridge: 'b', tapName: 't' }),
      () => driver.detachInterface(unknown, 'fa:16:3e:00:00:09'),
    ]) {
      expect(await codeOf(call())).toBe('INSTANCE_NOT_FOUND');
    }
  });

  it('attaches volumes to successive devices and detaches them by serial', async () => {
    const s = spec();
    await driver.spawn(s);
    expect(await driver.attachVolume(s.uuid, { path: '/dev/vg/vol-1', serial: 'vol-1' })).toBe('/dev/vdb');
    expect(await driver.attachVolume(s.uuid, { path: '/dev/vg/vol-2', serial: 'vol-2' })).toBe('/dev/vdc');
    expect(await codeOf(driver.attachVolume(s.uuid, { path: '/x', serial: 'vol-1' }))).toBe(
      'VOLUME_ALREADY_ATTACHED',
    );
    await driver.detachVolume(s.uuid, 'vol-1');
    expect(await codeOf(driver.detachVolume(s.uuid, 'vol-1'))).toBe('VOLUME_NOT_ATTACHED');
    expect(await driver.attachVolume(s.uuid, { path: '/dev/vg/vol-3', serial: 'vol-3' })).toBe('/dev/vdb');
  });

  it('plugs NICs by MAC next to those it booted with, and unplugs them', async () => {
    const s = spec();
    await driver.spawn(s);
    const nic = { mac: 'FA:16:3E:00:00:02', bridge: 'br-int', tapName: 'tap2' };
    await driver.attachInterface(s.uuid, nic);
    expect(driver.interfacesOf(s.uuid)).toEqual(['fa:16:3e:00:00:01', 'fa:16:3e:00:00:02']);
    expect(await codeOf(driver.attachInterface(s.uuid, nic))).toBe('NIC_ALREADY_ATTACHED');
    await driver.detachInterface(s.uuid, 'fa:16:3e:00:00:02');
    expect(await codeOf(driver.detachInterface(s.uuid, 'fa:16:3e:00:00:02'))).toBe('NIC_NOT_ATTACHED');
    await driver.detachInterface(s.uuid, 'fa:16:3e:00:00:01');
    expect(driver.interfacesOf(s.uuid)).toEqual([]);
    expect(await driver.getConsoleOutput(s.uuid)).toContain('interface fa:16:3e:00:00:02 attached to br-int');
  });

  it('keeps a console log, and returns only its tail when asked', async () => {
    const s = spec();
    await driver.spawn(s);
    await driver.pause(s.uuid);
    const full = await driver.getConsoleOutput(s.uuid);
    expect(full).toContain('spawn');
    expect(full).toContain('pause');
    const tail = await driver.getConsoleOutput(s.uuid, { maxBytes: 10 });
    expect(tail).toBe(full.slice(-10));
  });

  it('announces power changes made outside the driver, and stops after unsubscribe', async () => {
    const s = spec();
    await driver.spawn(s);
    const seen: PowerState[] = [];
    const unsubscribe = driver.onPowerStateChange((c) => seen.push(c.powerState));
    driver.simulatePowerStateChange(s.uuid, PowerState.Crashed);
    await Promise.resolve();
    unsubscribe();
    driver.simulatePowerStateChange(s.uuid, PowerState.Shutdown);
    await Promise.resolve();
    expect(seen).toEqual([PowerState.Crashed]);
    expect(await driver.getPowerState(s.uuid)).toBe(PowerState.Shutdown);
  });

  it('copies the spec, so later changes by the caller do not leak in', async () => {
    const s = spec();
    await driver.spawn(s);
    s.vcpus = 64;
    expect(driver.usage().vcpus).toBe(2);
  });
});
