import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class SnapshotUploadError extends Error {}

/**
 * Writes a standalone copy of a disk (its backing chain flattened, as Nova's snapshots are) in
 * `format`, or, for a guest without a disk file (the fake driver), an empty disk of `sizeGb`.
 * The caller pauses a running guest around this, so the copy is consistent.
 */
export async function snapshotDisk(
  diskPath: string | undefined,
  format: 'qcow2' | 'raw',
  sizeGb: number,
): Promise<{ path: string; cleanup: () => void }> {
  const folder = mkdtempSync(join(tmpdir(), 'stratus-snapshot-'));
  const path = join(folder, `snapshot.${format}`);
  const cleanup = () => rmSync(folder, { recursive: true, force: true });
  try {
    if (diskPath) await run('qemu-img', ['convert', '-U', '-O', format, diskPath, path]);
    else await run('qemu-img', ['create', '-f', format, path, `${Math.max(sizeGb, 1)}G`]);
    return { path, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Streams the file to the image service's data URL with the requester's token. */
export async function uploadImageData(path: string, url: string, authToken: string): Promise<number> {
  const size = statSync(path).size;
  const response = await fetch(url, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'X-Auth-Token': authToken,
    },
    body: Readable.toWeb(createReadStream(path)) as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit);
  if (response.status !== 204) {
    throw new SnapshotUploadError(
      `The image service refused the snapshot: HTTP ${response.status} ${await response.text()}`,
    );
  }
  return size;
}
