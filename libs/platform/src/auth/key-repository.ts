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

  /**
   * Keystone's rotation: the staged key becomes the new primary, a new staged key is made, and
   * only the newest `maxActiveKeys - 2` secondaries are kept.
   */
  static rotate(folder: string, maxActiveKeys = 3): void {
    const indexes = listKeyIndexes(folder);
    const highest = Math.max(0, ...indexes);
    renameSync(join(folder, '0'), join(folder, String(highest + 1)));
    writeKey(folder, 0, FernetKey.generate());
    const nonStaged = listKeyIndexes(folder).filter((i) => i !== 0);
    const excess = nonStaged.length - (maxActiveKeys - 1);
    for (const index of nonStaged.slice(0, Math.max(0, excess))) {
      unlinkSync(join(folder, String(index)));
    }
  }

  decrypt(token: string): Buffer | undefined {
    for (const key of this.all) {
      const plaintext = key.decrypt(token);
      if (plaintext) return plaintext;
    }
    return undefined;
  }
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
