import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidTar, readTar } from './tar-reader';

async function entries(archive: Buffer, chunk = 1000) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < archive.length; i += chunk) pieces.push(archive.subarray(i, i + chunk));
  const found: { name: string; type: string; data?: string }[] = [];
  for await (const entry of readTar(Readable.from(pieces))) {
    if (entry.name.endsWith('skip.bin')) {
      found.push({ name: entry.name, type: entry.type });
      continue;
    }
    const data: Buffer[] = [];
    for await (const c of entry.body) data.push(c as Buffer);
    found.push({ name: entry.name, type: entry.type, data: Buffer.concat(data).toString() });
  }
  return found;
}

describe('tar reader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tar-spec-'));
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), 'alpha');
    writeFileSync(join(dir, 'src', 'skip.bin'), Buffer.alloc(3000, 1));
    writeFileSync(join(dir, 'src', 'sub', `${'long-name-'.repeat(15)}.txt`), 'beta');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['gnu', 'posix'])('reads %s archives member by member, long names included', async (format) => {
    const archive = join(dir, `${format}.tar`);
    execFileSync('tar', [
      '--format',
      format,
      '-cf',
      archive,
      '-C',
      join(dir, 'src'),
      'a.txt',
      'skip.bin',
      'sub',
    ]);
    const found = await entries(readFileSync(archive), 777);
    expect(found).toEqual(
      expect.arrayContaining([
        { name: 'a.txt', type: 'file', data: 'alpha' },
        { name: 'skip.bin', type: 'file' },
        expect.objectContaining({ name: 'sub/', type: 'directory' }),
        { name: `sub/${'long-name-'.repeat(15)}.txt`, type: 'file', data: 'beta' },
      ]),
    );
  });

  it('refuses what is not a tar archive', async () => {
    await expect(entries(Buffer.alloc(1024, 7))).rejects.toBeInstanceOf(InvalidTar);
    await expect(entries(Buffer.from('short'))).rejects.toBeInstanceOf(InvalidTar);
  });
});
