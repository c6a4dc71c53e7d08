import { FakeLibvirtd } from '../../test/fake-libvirtd';
import { connectGetHostname } from './connect.procedures';
import { domainLookupByName } from './domain.procedures';
import { LibvirtConnection } from './libvirt.connection';
import { LibvirtConnectionError, LibvirtError } from './libvirt.error';
import { KEEPALIVE_PROGRAM, KeepaliveProcedure, RemoteProcedure } from './remote-protocol';
import { readString, writeDomain, writeString } from './remote-types.codec';

const UUID = '11111111-2222-3333-4444-555555555555';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('LibvirtConnection (against a fake daemon)', () => {
  let daemon: FakeLibvirtd;
  let conn: LibvirtConnection | undefined;

  afterEach(async () => {
    conn?.destroy();
    conn = undefined;
    await daemon.stop();
  });

  it('authenticates, asks for keepalive and opens the URI, in that order', async () => {
    daemon = await FakeLibvirtd.start();
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    expect(daemon.received.map((h) => h.procedure)).toEqual([
      RemoteProcedure.AuthList,
      RemoteProcedure.ConnectSupportsFeature,
      RemoteProcedure.ConnectOpen,
    ]);
    expect(conn.isOpen).toBe(true);
  });

  it('matches replies to calls by serial when they come back out of order', async () => {
    daemon = await FakeLibvirtd.start(async ({ procedure, args }) => {
      expect(procedure).toBe(RemoteProcedure.DomainLookupByName);
      const name = readString(args);
      await sleep(Number(name.split('-')[1]));
      return { ret: (w) => writeDomain(w, { name, uuid: UUID, id: 1 }) };
    });
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const names = ['vm-60', 'vm-30', 'vm-0', 'vm-45', 'vm-15'];
    const domains = await Promise.all(names.map((name) => domainLookupByName(conn!, name)));
    expect(domains.map((d) => d.name)).toEqual(names);
  });

  it('carries hundreds of concurrent calls on one socket', async () => {
    daemon = await FakeLibvirtd.start(({ serial }) => ({ ret: (w) => writeString(w, `host-${serial}`) }));
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const hostnames = await Promise.all(Array.from({ length: 300 }, () => connectGetHostname(conn!)));
    expect(new Set(hostnames).size).toBe(300);
  });

  it('keeps at most maxConcurrentCalls in flight and queues the rest in order', async () => {
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    daemon = await FakeLibvirtd.start(async ({ args }) => {
      running += 1;
      peak = Math.max(peak, running);
      const n = args.int();
      order.push(n);
      await sleep(5);
      running -= 1;
      return { ret: (w) => w.int(n) };
    });
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath, { maxConcurrentCalls: 2 });
    const call = (n: number) =>
      conn!.call(
        RemoteProcedure.ConnectGetVersion,
        (w) => w.int(n),
        (r) => r.int(),
      );
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => call(n)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('times out a call still waiting for a slot, and frees a slot only when the late reply comes', async () => {
    const held: Array<() => void> = [];
    daemon = await FakeLibvirtd.start(
      () => new Promise((resolve) => held.push(() => resolve({ ret: (w) => writeString(w, 'host') }))),
    );
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath, { maxConcurrentCalls: 1 });
    const first = conn.call(RemoteProcedure.ConnectGetHostname, undefined, readString, 30);
    const second = conn.call(RemoteProcedure.ConnectGetHostname, undefined, readString, 60);
    await expect(first).rejects.toThrow(/no reply within 30 ms/);
    await expect(second).rejects.toThrow(/no reply within 60 ms/);
    const third = connectGetHostname(conn);
    await sleep(20);
    expect(held).toHaveLength(1);
    held.shift()!();
    await eventually(() => held.length === 1);
    held.shift()!();
    await expect(third).resolves.toBe('host');
  });

  it('rejects with a typed LibvirtError on remote_error and stays usable', async () => {
    daemon = await FakeLibvirtd.start(({ procedure }) =>
      procedure === RemoteProcedure.DomainLookupByName
        ? {
            error: {
              code: 42,
              domain: 10,
              message: "Domain not found: no domain with matching name 'x'",
              level: 2,
            },
          }
        : { ret: (w) => writeString(w, 'host-a') },
    );
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const error = await domainLookupByName(conn, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ code: 42, domain: 10, procedure: RemoteProcedure.DomainLookupByName });
    expect((error as Error).message).toContain('no domain with matching name');
    await expect(connectGetHostname(conn)).resolves.toBe('host-a');
  });

  it('answers the daemon keepalive PING with a PONG', async () => {
    daemon = await FakeLibvirtd.start();
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    daemon.ping();
    await eventually(() =>
      daemon.received.some((h) => h.program === KEEPALIVE_PROGRAM && h.procedure === KeepaliveProcedure.Pong),
    );
  });

  it('pings an idle daemon and fails the connection when it stays silent', async () => {
    daemon = await FakeLibvirtd.start(() => 'no-reply');
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath, {
      keepaliveIntervalMs: 40,
      keepaliveCount: 3,
    });
    const closed = new Promise<Error | undefined>((resolve) => conn!.onClose(resolve));
    const pending = connectGetHostname(conn);
    await expect(pending).rejects.toThrow(/considered dead/);
    expect(await closed).toBeInstanceOf(LibvirtConnectionError);
    expect(
      daemon.received.some((h) => h.program === KEEPALIVE_PROGRAM && h.procedure === KeepaliveProcedure.Ping),
    ).toBe(true);
    expect(conn.isOpen).toBe(false);
  });

  it('fails calls in flight, and later calls, when the daemon goes away', async () => {
    daemon = await FakeLibvirtd.start(() => 'no-reply');
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const closed = new Promise<Error | undefined>((resolve) => conn!.onClose(resolve));
    const pending = connectGetHostname(conn);
    await eventually(() => daemon.received.some((h) => h.procedure === RemoteProcedure.ConnectGetHostname));
    daemon.dropClients();
    await expect(pending).rejects.toThrow(LibvirtConnectionError);
    expect((await closed)?.message).toMatch(/closed the connection/);
    await expect(connectGetHostname(conn)).rejects.toThrow(LibvirtConnectionError);
  });

  it('times out a call that gets no reply without breaking the connection', async () => {
    let answer = false;
    daemon = await FakeLibvirtd.start(() =>
      answer ? { ret: (w) => writeString(w, 'late-host') } : 'no-reply',
    );
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    await expect(conn.call(RemoteProcedure.ConnectGetHostname, undefined, readString, 50)).rejects.toThrow(
      /no reply within 50 ms/,
    );
    answer = true;
    await expect(connectGetHostname(conn)).resolves.toBe('late-host');
  });

  it('reports a malformed reply body as an error of that call only', async () => {
    daemon = await FakeLibvirtd.start(({ procedure }) =>
      procedure === RemoteProcedure.ConnectGetHostname
        ? { ret: (w) => w.uint(99) }
        : { ret: (w) => w.int(7) },
    );
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    await expect(connectGetHostname(conn)).rejects.toThrow(/truncated/);
    await expect(conn.call(RemoteProcedure.ConnectGetVersion, undefined, (r) => r.int())).resolves.toBe(7);
  });

  it('delivers asynchronous messages to handlers, and keeps going when one throws', async () => {
    daemon = await FakeLibvirtd.start();
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const seen: number[] = [];
    const handlerErrors: unknown[] = [];
    conn.onHandlerError((error) => handlerErrors.push(error));
    conn.onMessage(9999, () => {
      throw new Error('listener bug');
    });
    conn.onMessage(9999, (body) => seen.push(body.int()));
    daemon.emit(9999, (w) => w.int(1));
    daemon.emit(9999, (w) => w.int(2));
    await eventually(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    expect(handlerErrors).toHaveLength(2);
  });

  it('closes politely with CONNECT_CLOSE', async () => {
    daemon = await FakeLibvirtd.start();
    conn = await LibvirtConnection.open('test:///default', daemon.socketPath);
    const closed = new Promise<Error | undefined>((resolve) => conn!.onClose(resolve));
    await conn.close();
    expect(await closed).toBeUndefined();
    expect(daemon.received.at(-1)?.procedure).toBe(RemoteProcedure.ConnectClose);
  });

  it('says which socket it could not reach', async () => {
    daemon = await FakeLibvirtd.start();
    await expect(LibvirtConnection.open('test:///default', '/nonexistent/libvirt-sock')).rejects.toThrow(
      /cannot connect to libvirtd at \/nonexistent\/libvirt-sock: ENOENT/,
    );
  });
});
