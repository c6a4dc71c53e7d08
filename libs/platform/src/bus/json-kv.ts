import type { KV, KvEntry } from 'nats';
import { JSONCodec } from 'nats';

const json = JSONCodec();

export interface KvRecord<T> {
  key: string;
  value: T;
  revision: number;
}

/** A JetStream key-value bucket of JSON values, with compare-and-set updates. */
export class JsonKv<T> {
  constructor(private readonly kv: KV) {}

  async get(key: string): Promise<KvRecord<T> | undefined> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT' ? this.record(entry) : undefined;
  }

  async put(key: string, value: T): Promise<number> {
    return this.kv.put(key, json.encode(value));
  }

  /** Writes only if the key is still at `revision` (0: only if absent); false when another writer won. */
  async compareAndSet(key: string, value: T, revision: number): Promise<boolean> {
    try {
      if (revision === 0) await this.kv.create(key, json.encode(value));
      else await this.kv.update(key, json.encode(value), revision);
      return true;
    } catch (error) {
      const text = String(error);
      if (/wrong last sequence|key exists|already exists/i.test(text)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    return keys;
  }

  async all(): Promise<KvRecord<T>[]> {
    const records: KvRecord<T>[] = [];
    for (const key of await this.keys()) {
      const record = await this.get(key);
      if (record) records.push(record);
    }
    return records;
  }

  /**
   * Calls `onChange` with every current value and then with each change as it happens (undefined
   * value for a deleted key); resolves once the current values have been delivered.
   */
  async watch(onChange: (key: string, value: T | undefined, revision: number) => void): Promise<() => void> {
    const iterator = await this.kv.watch({ initializedFn: () => undefined });
    let resolveInitial!: () => void;
    const initial = new Promise<void>((resolve) => (resolveInitial = resolve));
    const status = await this.kv.status();
    if (status.values === 0) resolveInitial();
    void (async () => {
      for await (const entry of iterator) {
        onChange(
          entry.key,
          entry.operation === 'PUT' ? (json.decode(entry.value) as T) : undefined,
          entry.revision,
        );
        if (entry.delta === 0) resolveInitial();
      }
    })();
    await initial;
    return () => iterator.stop();
  }

  private record(entry: KvEntry): KvRecord<T> {
    return { key: entry.key, value: json.decode(entry.value) as T, revision: entry.revision };
  }
}
