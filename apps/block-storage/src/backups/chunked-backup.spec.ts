import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackupCorruptError,
  BackupObjects,
  readManifest,
  restoreBackup,
  writeBackup,
} from './chunked-backup';

/** An object store in memory, keyed by container and name. */
class MemoryObjects implements BackupObjects {
  readonly objects = new Map<string, Buffer>();
  async put(container: string, name: string, data: Buffer): Promise<void> {
    this.objects.set(`${container}/${name}`, Buffer.from(data));
  }
  async get(container: string, name: string): Promise<Buffer> {
    const data = this.objects.get(`${container}/${name}`);
    if (!data) throw new Error(`no object ${name}`);
    return data;
  }
}

const CHUNK = 64 * 1024;
const SIZE = 8 * CHUNK;

describe('chunked backups', () => {
  let dir: string;
  const objects = new MemoryObjects();
  const identity = (backupId: string, parentId: string | null = null) => ({
    backupId,
    volumeId: 'vol',
    parentId,
    createdAt: new Date(),
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stratus-backup-'));
    objects.objects.clear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function volumeWith(writes: [number, number][]): string {
    const data = Buffer.alloc(SIZE);
    for (const [offset, byte] of writes) data.fill(byte, offset, offset + 1000);
    const path = join(dir, `volume-${Math.random()}`);
    writeFileSync(path, data);
    return path;
  }

  async function restored(prefix: string): Promise<Buffer> {
    const manifest = await readManifest(objects, 'c', prefix);
    const target = join(dir, `restored-${Math.random()}`);
    writeFileSync(target, Buffer.alloc(SIZE));
    await restoreBackup({ objects, container: 'c', manifest, target });
    return readFileSync(target);
  }

  it('stores only chunks with data, and only changed ones in an incremental backup', async () => {
    const first = volumeWith([
      [10, 1],
      [3 * CHUNK + 5, 2],
    ]);
    const full = await writeBackup({
      objects,
      container: 'c',
      prefix: 'v/full',
      source: first,
      size: SIZE,
      chunkSize: CHUNK,
      identity: identity('full'),
    });
    expect(full.objectCount).toBe(3);
    expect(full.manifest.chunks.filter((c) => c.object).map((c) => c.object)).toEqual([
      'v/full-00001',
      'v/full-00004',
    ]);

    const second = volumeWith([
      [10, 1],
      [3 * CHUNK + 5, 9],
      [7 * CHUNK, 3],
    ]);
    const incremental = await writeBackup({
      objects,
      container: 'c',
      prefix: 'v/incr',
      source: second,
      size: SIZE,
      chunkSize: CHUNK,
      identity: identity('incr', 'full'),
      parent: full.manifest,
    });
    expect(incremental.objectCount).toBe(3);
    expect(incremental.manifest.chunks.map((c) => c.object)).toEqual([
      'v/full-00001',
      null,
      null,
      'v/incr-00004',
      null,
      null,
      null,
      'v/incr-00008',
    ]);

    expect((await restored('v/full')).equals(readFileSync(first))).toBe(true);
    expect((await restored('v/incr')).equals(readFileSync(second))).toBe(true);
  });

  it('refuses to restore a chunk whose data does not match its hash', async () => {
    const source = volumeWith([[0, 7]]);
    await writeBackup({
      objects,
      container: 'c',
      prefix: 'v/b',
      source,
      size: SIZE,
      chunkSize: CHUNK,
      identity: identity('b'),
    });
    const other = await writeBackup({
      objects,
      container: 'c',
      prefix: 'v/other',
      source: volumeWith([[0, 8]]),
      size: SIZE,
      chunkSize: CHUNK,
      identity: identity('other'),
    });
    // Swap in another backup's chunk: it decompresses fine but is not the recorded data.
    objects.objects.set('c/v/b-00001', await objects.get('c', other.manifest.chunks[0].object!));
    await expect(restored('v/b')).rejects.toThrow(BackupCorruptError);
  });
});
