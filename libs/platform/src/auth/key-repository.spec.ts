import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FernetKey } from './fernet';
import { KeyRepository, newKeySet, rotateKeySet } from './key-repository';
import { runTokenKeyCommand } from './token-key-command';

function keyFiles(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), 'utf8')]),
  );
}

async function run(argv: string[], folder: string, stdin = ''): Promise<string> {
  let out = '';
  const handled = await runTokenKeyCommand(argv, folder, {
    stdin: [Buffer.from(stdin)],
    stdout: { write: (text: string) => (out += text) },
  });
  expect(handled).toBe(true);
  return out;
}

describe('token key rotation', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'stratus-keys-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('promotes the staged key, stages a new one and drops the oldest secondaries', () => {
    const keys = newKeySet();
    const once = rotateKeySet(keys);
    expect([...once.keys()].sort()).toEqual([0, 1, 2]);
    expect(once.get(2)).toBe(keys.get(0));
    expect(once.get(1)).toBe(keys.get(1));
    expect(once.get(0)).not.toBe(keys.get(0));

    const twice = rotateKeySet(once);
    expect([...twice.keys()].sort()).toEqual([0, 2, 3]);
    expect(twice.get(3)).toBe(once.get(0));
    expect([...rotateKeySet(twice, 4).keys()].sort()).toEqual([0, 2, 3, 4]);
  });

  it('refuses a key set without a staged key', () => {
    expect(() => rotateKeySet(new Map([[1, FernetKey.generate()]]))).toThrow(/no staged key/);
  });

  it('rotates the folder so that tokens of the old primary still validate', async () => {
    await run(['setup-keys'], folder);
    const before = KeyRepository.load(folder);
    const token = before.primary.encrypt(Buffer.from('claims'));
    const staged = keyFiles(folder)['0'];

    await run(['rotate-keys'], folder);
    expect(Object.keys(keyFiles(folder)).sort()).toEqual(['0', '1', '2']);
    const after = KeyRepository.load(folder);
    expect(keyFiles(folder)['2']).toBe(staged);
    expect(after.decrypt(token)?.toString()).toBe('claims');
  });

  it('rotates a Kubernetes Secret from kubectl, keeping what kubectl replace needs', async () => {
    const created = JSON.parse(await run(['setup-keys', '--secret-json'], folder));
    expect(created).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'stratus-token-keys' },
    });
    expect(Object.keys(created.data)).toEqual(['0', '1']);

    const fromCluster = {
      ...created,
      metadata: { ...created.metadata, namespace: 'stratus', resourceVersion: '42', managedFields: [{}] },
    };
    const rotated = JSON.parse(
      await run(['rotate-keys', '--secret-json'], folder, JSON.stringify(fromCluster)),
    );
    expect(rotated.metadata).toEqual({
      name: 'stratus-token-keys',
      namespace: 'stratus',
      resourceVersion: '42',
    });
    expect(Object.keys(rotated.data)).toEqual(['0', '1', '2']);
    expect(rotated.data['2']).toBe(created.data['0']);
    expect(() => FernetKey.parse(Buffer.from(rotated.data['0'], 'base64').toString())).not.toThrow();
  });

  it('explains what it expects on stdin', async () => {
    await expect(run(['rotate-keys', '--secret-json'], folder, '{"kind":"ConfigMap"}')).rejects.toThrow(
      /not a Secret/,
    );
    await expect(run(['rotate-keys', '--max-active-keys'], folder)).rejects.toThrow(/usage/);
  });

  it('leaves other commands to the service', async () => {
    expect(await runTokenKeyCommand(['migrate'], folder)).toBe(false);
  });
});
