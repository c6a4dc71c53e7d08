import { BusService } from './bus.service';
import { randomBytes } from 'node:crypto';

const url = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('BusService against NATS', () => {
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const buses: BusService[] = [];

  afterAll(async () => {
    for (const bus of buses) await bus.onApplicationShutdown();
  });

  async function bus(): Promise<BusService> {
    const created = new BusService({ url, namespace, name: 'spec' });
    await created.connect();
    buses.push(created);
    return created;
  }

  it('lets several replicas create the same stream at the same moment', async () => {
    const replicas = await Promise.all([bus(), bus(), bus()]);
    const contract = { subject: 'evt.spec.thing.happened' };
    await Promise.all(replicas.map((b) => b.ensureStream('RACE', [contract], 60_000)));
    const seen: unknown[] = [];
    let caughtUp = false;
    await replicas[0].follow(
      'RACE',
      contract,
      (p) => seen.push(p),
      () => (caughtUp = true),
    );
    await replicas[1].publishDurable(contract, { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(caughtUp).toBe(true);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('writes a key only against the revision it read', async () => {
    const kv = await (await bus()).keyValue<{ v: number }>('CAS');
    expect(await kv.compareAndSet('k', { v: 1 }, 0)).toBe(true);
    expect(await kv.compareAndSet('k', { v: 2 }, 0)).toBe(false);
    const record = (await kv.get('k'))!;
    expect(await kv.compareAndSet('k', { v: 2 }, record.revision)).toBe(true);
    expect(await kv.compareAndSet('k', { v: 3 }, record.revision)).toBe(false);
    expect((await kv.get('k'))!.value).toEqual({ v: 2 });
  });
});
