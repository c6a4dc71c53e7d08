import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { FernetKey } from './fernet';

/**
 * A Keystone-style key repository: files named by integers. `0` is the staged key (accepted,
 * next to become primary), the highest number is the primary (used to encrypt), the rest are
 * secondary (accepted until rotated out). Every validating service mounts the same folder.
 */
export class KeyRepository {
  private constructor(
    readonly primary: FernetKey,
    readonly all: readonly FernetKey[],
  ) {}

  static load(folder: string): KeyRepository {
    const indexes = listKeyIndexes(folder);
    if (indexes.length === 0) throw new Error(`no token keys in ${folder}: run the key setup first`);
    const keys = indexes.map((i) => FernetKey.parse(readFileSync(join(folder, String(i)), 'utf8')));
    const primaryFirst = [...keys].reverse();
    return new KeyRepository(primaryFirst[0], primaryFirst);
  }

  /** Creates the folder with a staged and a primary key if it holds none; safe to call every start. */
  static ensure(folder: string): void {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (listKeyIndexes(folder).length > 0) return;
    writeKey(folder, 0, FernetKey.generate());
    writeKey(folder, 1, FernetKey.generate());
  }

  /** Keystone's rotation (see rotateKeySet) on the folder, one atomic file write at a time. */
  static rotate(folder: string, maxActiveKeys = 3): void {
    const current = readKeySet(folder);
    const next = rotateKeySet(current, maxActiveKeys);
    // The new primary (the old staged key) lands before the new staged key replaces `0`, so a
    // reader never misses the key that tokens are about to be encrypted with.
    for (const [index, key] of [...next].sort(([a], [b]) => b - a)) {
      if (current.get(index) !== key) writeKey(folder, index, key);
    }
    for (const index of current.keys()) if (!next.has(index)) unlinkSync(join(folder, String(index)));
  }

  decrypt(token: string): Buffer | undefined {
    for (const key of this.all) {
      const plaintext = key.decrypt(token);
      if (plaintext) return plaintext;
    }
    return undefined;
  }
}

/** A fresh repository: a staged key `0` and a primary `1`, as keystone-manage fernet_setup makes. */
export function newKeySet(): Map<number, string> {
  return new Map([
    [0, FernetKey.generate()],
    [1, FernetKey.generate()],
  ]);
}

/**
 * Keystone's rotation on keys by index: the staged key `0` becomes the new primary (highest
 * index), a new staged key is made, and only the newest `maxActiveKeys - 2` secondaries are kept.
 * Every replica already accepts the staged key, so tokens from the new primary validate
 * everywhere even before every replica has seen the rotation.
 */
export function rotateKeySet(keys: ReadonlyMap<number, string>, maxActiveKeys = 3): Map<number, string> {
  if (maxActiveKeys < 2) throw new Error('max active keys must be at least 2 (staged and primary)');
  const staged = keys.get(0);
  if (staged === undefined) throw new Error('no staged key 0 to promote: set up the keys first');
  const highest = Math.max(0, ...keys.keys());
  const next = new Map(keys);
  next.set(highest + 1, staged);
  next.set(0, FernetKey.generate());
  const nonStaged = [...next.keys()].filter((i) => i !== 0).sort((a, b) => a - b);
  for (const index of nonStaged.slice(0, Math.max(0, nonStaged.length - (maxActiveKeys - 1)))) {
    next.delete(index);
  }
  return next;
}

function readKeySet(folder: string): Map<number, string> {
  return new Map(listKeyIndexes(folder).map((i) => [i, readFileSync(join(folder, String(i)), 'utf8')]));
}

function listKeyIndexes(folder: string): number[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

function writeKey(folder: string, index: number, key: string): void {
  const path = join(folder, String(index));
  writeFileSync(path + '.tmp', key, { mode: 0o600 });
  renameSync(path + '.tmp', path);
  chmodSync(path, 0o600);
}
