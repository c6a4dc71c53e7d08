import { KeyedMutex } from './keyed-mutex';

describe('KeyedMutex', () => {
  it('serialises tasks of one key and keeps going after a failure', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = mutex.run('a', async () => {
      await gate;
      order.push('a1');
      throw new Error('boom');
    });
    const second = mutex.run('a', async () => {
      order.push('a2');
      return 2;
    });
    const other = mutex.run('b', async () => {
      order.push('b1');
    });
    await other;
    expect(order).toEqual(['b1']);
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });
});
