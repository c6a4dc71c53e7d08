import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore, PendingWrite } from './file-blob-store';

const HOUR_MS = 3600_000;

async function write(pending: PendingWrite, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    pending.stream.end(text, () => resolve()).once('error', reject),
  );
}

describe('FileBlobStore shared by several writers', () => {
  let root: string;
  const incoming = (writer?: string) => join(root, '.incoming', ...(writer ? [writer] : []));
  const age = (path: string, ms: number) => {
    const then = new Date(Date.now() - ms);
    utimesSync(path, then, then);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'blob-store-'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets a writer start while another is mid-write, and cleans only its own leftovers', async () => {
    const a = new FileBlobStore(root, 'node-a');
    await a.init();
    const writing = await a.begin('k1');

    const crashed = new FileBlobStore(root, 'node-b');
    await crashed.init();
    await crashed.begin('k2');
    const restarted = new FileBlobStore(root, 'node-b');
    await restarted.init();

    expect(readdirSync(incoming('node-b'))).toEqual([]);
    expect(readdirSync(incoming('node-a'))).toHaveLength(1);
    await write(writing, 'data');
    await writing.commit();
    expect(await a.has('k1')).toBe(true);
  });

  it("removes other writers' folders left untouched longer than abandonedAfterMs, and only those", async () => {
    const gone = new FileBlobStore(root, 'gone');
    await gone.init();
    await gone.begin('k1');
    const alive = new FileBlobStore(root, 'alive');
    await alive.init();
    const pending = await alive.begin('k2');
    age(incoming('gone'), 2 * HOUR_MS);
    age(incoming('alive'), 2 * HOUR_MS);
    await alive.touch();

    const starting = new FileBlobStore(root, 'starting', { abandonedAfterMs: HOUR_MS });
    await starting.init();

    expect(readdirSync(incoming()).sort()).toEqual(['alive', 'starting']);
    await write(pending, 'data');
    await pending.commit();
    expect(await alive.has('k2')).toBe(true);
  });

  it('sweeps again on demand, and a writer whose folder was swept away gets it back on touch', async () => {
    const other = new FileBlobStore(root, 'other');
    await other.init();
    const sweeper = new FileBlobStore(root, 'sweeper', { abandonedAfterMs: HOUR_MS });
    await sweeper.init();
    expect(existsSync(incoming('other'))).toBe(true);

    age(incoming('other'), 2 * HOUR_MS);
    await sweeper.removeAbandoned();
    expect(existsSync(incoming('other'))).toBe(false);

    await other.touch();
    const pending = await other.begin('k3');
    await write(pending, 'data');
    await pending.commit();
    expect(await other.has('k3')).toBe(true);
  });

  it('leaves everything of others alone without abandonedAfterMs', async () => {
    const other = new FileBlobStore(root, 'other');
    await other.init();
    age(incoming('other'), 2 * HOUR_MS);
    const store = new FileBlobStore(root, 'mine');
    await store.init();
    await store.removeAbandoned();
    expect(readdirSync(incoming()).sort()).toEqual(['mine', 'other']);
  });
});
