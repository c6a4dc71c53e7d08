import { FakeLibvirtd } from '../../test/fake-libvirtd';
import { DomainEvent, subscribeDomainEvents } from './domain.events';
import { LibvirtConnection } from './libvirt.connection';
import { LifecycleEvent, RemoteProcedure } from './remote-protocol';
import { writeDomain, writeString } from './remote-types.codec';

const DOMAIN = { name: 'vm1', uuid: '0b9c2d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', id: 3 };

describe('domain event subscriptions (against a fake daemon)', () => {
  let daemon: FakeLibvirtd;
  let conn: LibvirtConnection;
  let nextCallbackId: number;
  let beforeReply: ((callbackId: number) => void) | undefined;

  const lifecycle = (callbackId: number, event: number) =>
    daemon.emit(RemoteProcedure.DomainEventCallbackLifecycle, (w) => {
      w.int(callbackId);
      writeDomain(w, DOMAIN);
      w.int(event).int(0);
    });

  const device = (procedure: number, callbackId: number, alias: string) =>
    daemon.emit(procedure, (w) => {
      w.int(callbackId);
      writeDomain(w, DOMAIN);
      writeString(w, alias);
    });

  beforeEach(async () => {
    nextCallbackId = 10;
    beforeReply = undefined;
    daemon = await FakeLibvirtd.start(({ procedure }) => {
      if (procedure === RemoteProcedure.ConnectDomainEventCallbackRegisterAny) {
        const id = nextCallbackId++;
        beforeReply?.(id);
        return { ret: (w) => w.int(id) };
      }
      return {};
    });
    conn = await LibvirtConnection.open('qemu:///system', daemon.socketPath);
  });

  afterEach(async () => {
    conn.destroy();
    await daemon.stop();
  });

  it('decodes lifecycle, device-added and device-removed events', async () => {
    const events: DomainEvent[] = [];
    const subscription = await subscribeDomainEvents(conn, (e) => events.push(e));
    expect(subscription.callbackIds).toEqual([10, 11, 12]);
    lifecycle(10, LifecycleEvent.Started);
    device(RemoteProcedure.DomainEventCallbackDeviceAdded, 11, 'ua-vol-1');
    device(RemoteProcedure.DomainEventCallbackDeviceRemoved, 12, 'ua-vol-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([
      { kind: 'lifecycle', callbackId: 10, domain: DOMAIN, event: LifecycleEvent.Started, detail: 0 },
      { kind: 'device-added', callbackId: 11, domain: DOMAIN, alias: 'ua-vol-1' },
      { kind: 'device-removed', callbackId: 12, domain: DOMAIN, alias: 'ua-vol-1' },
    ]);
  });

  it('gives each subscription only the events of its own callbacks', async () => {
    const first: number[] = [];
    const second: number[] = [];
    await subscribeDomainEvents(conn, (e) => first.push(e.callbackId));
    await subscribeDomainEvents(conn, (e) => second.push(e.callbackId));
    lifecycle(10, LifecycleEvent.Started);
    lifecycle(13, LifecycleEvent.Started);
    lifecycle(99, LifecycleEvent.Started);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(first).toEqual([10]);
    expect(second).toEqual([13]);
  });

  it('keeps an event that arrives before its registration reply', async () => {
    beforeReply = (id) => {
      if (id === 10) lifecycle(10, LifecycleEvent.Defined);
    };
    const events: DomainEvent[] = [];
    await subscribeDomainEvents(conn, (e) => events.push(e));
    expect(events).toEqual([
      expect.objectContaining({ kind: 'lifecycle', callbackId: 10, event: LifecycleEvent.Defined }),
    ]);
  });

  it('deregisters its callbacks on unsubscribe and delivers nothing more', async () => {
    const events: DomainEvent[] = [];
    const subscription = await subscribeDomainEvents(conn, (e) => events.push(e));
    await subscription.unsubscribe();
    lifecycle(10, LifecycleEvent.Started);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    expect(
      daemon.received.filter((h) => h.procedure === RemoteProcedure.ConnectDomainEventCallbackDeregisterAny),
    ).toHaveLength(3);
  });
});
