import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { InstanceSpec, PowerStateChange } from '../src/driver/hypervisor-driver';
import { HypervisorError } from '../src/driver/hypervisor.error';
import { PowerState } from '../src/driver/power-state';
import { LibvirtDriver } from '../src/libvirt/libvirt.driver';
import { LIBVIRT_SOCKET, requireLibvirtd } from './libvirtd';

/**
 * Boots a real guest under qemu:///system with TCG (no KVM needed), through the whole driver:
 * qcow2 overlay of a base image, direct kernel boot, a NIC on a bridge, serial console logging,
 * volume hot-plug and unplug confirmed by libvirt's device events, then destroy, after which
 * nothing of the instance may be left. Needs, as root:
 *   tools/libvirt/start-libvirtd.sh && tools/libvirt/build-tiny-guest.sh
 */

const GUEST_DIR = process.env.TINY_GUEST_DIR ?? '/var/lib/libvirt/images/stratus-tiny';
const NETNS = process.env.LIBVIRT_NETNS ?? 'stratus-lv';
const BRIDGE = 'br-stratus-e2e';
const BOOT_TIMEOUT_MS = 150_000;

function requireTinyGuest(): void {
  const missing = ['vmlinuz', 'initrd.img', 'base.qcow2'].filter((f) => !existsSync(join(GUEST_DIR, f)));
  if (missing.length) {
    throw new Error(
      `tiny guest not built: ${missing.join(', ')} missing in ${GUEST_DIR}.\n` +
        'Build it (as root) with: tools/libvirt/build-tiny-guest.sh',
    );
  }
}

/** Runs `ip` inside libvirtd's namespace only: the host's own network is never touched. */
function ipInLibvirtNetns(...args: string[]): string {
  if (!NETNS)
    throw new Error('LIBVIRT_NETNS is empty: this test only creates bridges inside a private namespace');
  return execFileSync('ip', ['-n', NETNS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const linkExists = (name: string): boolean => {
  try {
    ipInLibvirtNetns('link', 'show', name);
    return true;
  } catch {
    return false;
  }
};

/** QEMU processes started for `name`; libvirt passes `-name guest=NAME,...` on their command line. */
const qemuProcessesFor = (name: string): string[] =>
  readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`guest=${name},`);
      } catch {
        return false;
      }
    });

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  lastSeen: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} not seen within ${timeoutMs} ms; last seen:\n${lastSeen()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('LibvirtDriver booting a TCG guest (qemu:///system)', () => {
  const uuid = randomUUID();
  const short = uuid.slice(0, 8);
  const workDir = `/var/lib/libvirt/images/stratus-e2e-${uuid}`;
  const volumePath = join(workDir, 'volume.img');
  const spec: InstanceSpec = {
    uuid,
    name: `stratus-e2e-${short}`,
    vcpus: 1,
    memoryMb: 256,
    rootDisk: {
      path: join(workDir, 'disk.qcow2'),
      format: 'qcow2',
      backingFile: join(GUEST_DIR, 'base.qcow2'),
      backingFormat: 'qcow2',
      sizeGb: 1,
    },
    nics: [{ mac: '52:54:00:5e:00:01', bridge: BRIDGE, tapName: `tap-e2e-${short.slice(0, 6)}`, mtu: 1450 }],
    serialLogPath: `/var/log/libvirt/qemu/stratus-e2e-${short}-serial.log`,
    kernelBoot: {
      kernelPath: join(GUEST_DIR, 'vmlinuz'),
      initrdPath: join(GUEST_DIR, 'initrd.img'),
      cmdline: 'console=ttyS0 panic=-1',
    },
  };
  let driver: LibvirtDriver;
  const changes: PowerStateChange[] = [];
  let console = '';
  const consoleNow = async () => (console = await driver.getConsoleOutput(uuid));

  beforeAll(async () => {
    requireLibvirtd();
    requireTinyGuest();
    if (!linkExists(BRIDGE)) ipInLibvirtNetns('link', 'add', BRIDGE, 'type', 'bridge');
    ipInLibvirtNetns('link', 'set', BRIDGE, 'up');
    mkdirSync(workDir, { recursive: true });
    writeFileSync(volumePath, '');
    truncateSync(volumePath, 16 * 1024 * 1024);
    driver = await LibvirtDriver.connect({
      uri: 'qemu:///system',
      socketPath: LIBVIRT_SOCKET,
      virtType: 'qemu',
      instancesPath: workDir,
    });
    driver.onPowerStateChange((change) => {
      if (change.uuid === uuid) changes.push(change);
    });
  });

  afterAll(async () => {
    await driver?.destroy(uuid, { deleteDisks: true }).catch(() => undefined);
    await driver?.close();
    rmSync(workDir, { recursive: true, force: true });
    // libvirt keeps its own per-domain QEMU log after undefine; the test leaves no litter.
    rmSync(`/var/log/libvirt/qemu/${spec.name}.log`, { force: true });
    if (NETNS && linkExists(BRIDGE)) ipInLibvirtNetns('link', 'del', BRIDGE);
  });

  it('reports the host as QEMU with its full memory', async () => {
    const host = await driver.hostInfo();
    expect(host).toMatchObject({ hypervisorType: 'QEMU', cpuArch: 'x86_64' });
    expect(host.hypervisorVersion).toBeGreaterThanOrEqual(7_000_000);
    expect(host.vcpus).toBeGreaterThan(0);
    // NodeGetInfo counts only NUMA cell 0's initialised memory on some hosts; the kernel's total is right.
    const memTotalMb = Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 1024;
    expect(host.memoryMb).toBeGreaterThan(memTotalMb * 0.95);
    expect(host.memoryMb).toBeLessThanOrEqual(memTotalMb);
  });

  it(
    'boots from a qcow2 overlay and shows its marker on the serial console',
    async () => {
      const started = Date.now();
      await driver.spawn(spec);
      expect(await driver.getPowerState(uuid)).toBe(PowerState.Running);
      expect(existsSync(spec.rootDisk.path)).toBe(true);
      expect(ipInLibvirtNetns('link', 'show', spec.nics[0].tapName)).toContain(`master ${BRIDGE}`);
      await waitFor(
        'TINY-GUEST-MARKER',
        async () => ((await consoleNow()).includes('TINY-GUEST-MARKER') ? true : undefined),
        BOOT_TIMEOUT_MS,
        () => console,
      );
      // The guest lists its disks right after the marker; the log may not have that line yet.
      await waitFor(
        'the guest listing its root disk',
        async () => (/DISKS: vda=/.test(await consoleNow()) ? true : undefined),
        30_000,
        () => console,
      );
      expect(changes.map((c) => c.powerState)).toContain(PowerState.Running);
      process.stdout.write(`tiny guest marker after ${Date.now() - started} ms\n`);
    },
    BOOT_TIMEOUT_MS + 30_000,
  );

  it('hot-plugs a volume the guest sees by its serial, and unplugs it once the guest lets go', async () => {
    const device = await driver.attachVolume(uuid, { path: volumePath, serial: 'e2e-vol-1', format: 'raw' });
    expect(device).toBe('/dev/vdb');
    await waitFor(
      'vdb in the guest',
      async () => ((await consoleNow()).includes('vdb=e2e-vol-1') ? true : undefined),
      60_000,
      () => console,
    );
    await expect(driver.attachVolume(uuid, { path: volumePath, serial: 'e2e-vol-1' })).rejects.toMatchObject({
      code: 'VOLUME_ALREADY_ATTACHED',
    });

    await driver.detachVolume(uuid, 'e2e-vol-1');
    await waitFor(
      'vdb gone from the guest',
      async () => ((await consoleNow()).trimEnd().split('\n').at(-1) === 'DISKS: vda=' ? true : undefined),
      60_000,
      () => console,
    );
    await expect(driver.detachVolume(uuid, 'e2e-vol-1')).rejects.toMatchObject({
      code: 'VOLUME_NOT_ATTACHED',
    });
  }, 150_000);

  it('pauses and unpauses the running guest', async () => {
    await driver.pause(uuid);
    expect(await driver.getPowerState(uuid)).toBe(PowerState.Paused);
    await driver.unpause(uuid);
    expect(await driver.getPowerState(uuid)).toBe(PowerState.Running);
    await waitFor(
      'lifecycle events',
      async () => (changes.length >= 3 ? true : undefined),
      10_000,
      () => JSON.stringify(changes),
    );
    expect(changes.slice(-2).map((c) => c.powerState)).toEqual([PowerState.Paused, PowerState.Running]);
  });

  it('destroys the instance and leaves nothing behind', async () => {
    await driver.destroy(uuid, { deleteDisks: true });
    const error = await driver.getPowerState(uuid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HypervisorError);
    expect(error).toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    expect((await driver.listInstances()).map((i) => i.uuid)).not.toContain(uuid);
    expect(existsSync(spec.rootDisk.path)).toBe(false);
    expect(existsSync(spec.serialLogPath!)).toBe(false);
    expect(existsSync(join(GUEST_DIR, 'base.qcow2'))).toBe(true);
    expect(linkExists(spec.nics[0].tapName)).toBe(false);
    expect(qemuProcessesFor(spec.name)).toEqual([]);
    await waitFor(
      'stopped event',
      async () => (changes.at(-1)?.powerState === PowerState.Shutdown ? true : undefined),
      10_000,
      () => JSON.stringify(changes),
    );
  });
});
