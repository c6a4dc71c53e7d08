import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileVolumeDriver } from './file-volume-driver';
import { QemuImg } from './qemu-img';
import { VolumeBackendError } from './volume-driver';

const GiB = 1024 ** 3;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The file driver against the real qemu-img, in a scratch folder. */
describe('file volume driver', () => {
  let folder: string;
  let driver: FileVolumeDriver;
  const qemuImg = new QemuImg('qemu-img', 30_000);
  const virtualSize = (path: string) =>
    (
      JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' })) as {
        'virtual-size': number;
      }
    )['virtual-size'];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'stratus-volumes-'));
    driver = new FileVolumeDriver({
      folder,
      host: 'node1',
      backendName: 'file',
      qemuImg,
      copyTimeoutMs: 30_000,
    });
    await driver.init();
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('drops the unfinished files of a host that is down, and only those', async () => {
    const incoming = join(folder, '.incoming');
    for (const host of ['node1', 'node2', 'node3']) {
      mkdirSync(join(incoming, host), { recursive: true });
      writeFileSync(join(incoming, host, 'volume-partial'), 'x');
    }
    await driver.discardLeftovers('node2');
    await driver.discardLeftovers('node1');
    await driver.discardLeftovers('..');
    expect(readdirSync(incoming).sort()).toEqual(['node1', 'node3']);
    expect(readdirSync(join(incoming, 'node1'))).toEqual(['volume-partial']);
    expect(readdirSync(folder).sort()).toEqual(['.incoming']);
  });

  it('creates sparse raw volumes and grows them without touching their data', async () => {
    const volume = { id: id(1), size: 1, format: 'raw' as const };
    await driver.createVolume(volume);
    const path = driver.volumePath(volume.id);
    expect(statSync(path)).toMatchObject({ size: GiB });
    expect(statSync(path).blocks).toBeLessThan(16);
    execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 0 4k', path]);
    await driver.extendVolume(volume, 3, true);
    expect(statSync(path).size).toBe(3 * GiB);
    expect(
      execFileSync('qemu-io', ['-f', 'raw', '-c', 'read -P 0x5a 0 4k', path], { encoding: 'utf8' }),
    ).not.toMatch(/failed/);
    await expect(driver.createVolume(volume)).rejects.toThrow(VolumeBackendError);
  });

  it('keeps qcow2 volumes, snapshots, clones with conversion, and reverts', async () => {
    const volume = { id: id(2), size: 1, format: 'qcow2' as const };
    await driver.createVolume(volume);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x11 0 64k', driver.volumePath(volume.id)]);
    const snapshot = { id: id(3), volumeId: volume.id, size: 1, format: 'qcow2' as const };
    await driver.createSnapshot(snapshot, volume);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x22 0 64k', driver.volumePath(volume.id)]);

    const clone = { id: id(4), size: 2, format: 'raw' as const };
    await driver.createFromSnapshot(clone, snapshot);
    expect(statSync(driver.volumePath(clone.id)).size).toBe(2 * GiB);
    expect(
      execFileSync('qemu-io', ['-f', 'raw', '-c', 'read -P 0x11 0 64k', driver.volumePath(clone.id)], {
        encoding: 'utf8',
      }),
    ).not.toMatch(/failed/);

    await driver.revertToSnapshot(volume, snapshot);
    expect(
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'read -P 0x11 0 64k', driver.volumePath(volume.id)], {
        encoding: 'utf8',
      }),
    ).not.toMatch(/failed/);
    await driver.extendVolume(volume, 2, false);
    expect(virtualSize(driver.volumePath(volume.id))).toBe(2 * GiB);
    await expect(driver.extendVolume(volume, 3, true)).rejects.toThrow(/attached qcow2/);

    await driver.deleteSnapshot(snapshot);
    await driver.deleteVolume(volume);
    await driver.deleteVolume(volume);
    expect(readdirSync(folder).sort()).toEqual(['.incoming', `volume-${clone.id}`]);
  });

  it('converts images into volumes and leaves nothing behind when that fails', async () => {
    const image = join(folder, 'image.raw');
    writeFileSync(image, Buffer.alloc(1024 * 1024, 9));
    const volume = { id: id(5), size: 1, format: 'qcow2' as const };
    await driver.createFromImage(volume, { path: image, format: 'raw' });
    expect(virtualSize(driver.volumePath(volume.id))).toBe(GiB);

    const broken = { id: id(6), size: 1, format: 'raw' as const };
    await expect(
      driver.createFromImage(broken, { path: join(folder, 'missing'), format: 'qcow2' }),
    ).rejects.toThrow(VolumeBackendError);
    expect(readdirSync(join(folder, '.incoming', 'node1'))).toEqual([]);
    expect(readdirSync(folder)).not.toContain(`volume-${broken.id}`);
    await expect(driver.cloneVolume({ id: id(7), size: 1, format: 'raw' }, broken)).rejects.toThrow(
      /missing/,
    );
  });

  it('gives hosts the file to open and refuses paths that are not ids', () => {
    const info = driver.initializeConnection({ id: id(8), size: 1, format: 'raw' }, { host: 'h' }, 'ro');
    expect(info).toEqual({
      driverVolumeType: 'file',
      data: expect.objectContaining({
        export: folder,
        name: `volume-${id(8)}`,
        path: join(folder, `volume-${id(8)}`),
        accessMode: 'ro',
      }),
    });
    expect(() => driver.volumePath('../../etc/passwd')).toThrow(VolumeBackendError);
  });
});
