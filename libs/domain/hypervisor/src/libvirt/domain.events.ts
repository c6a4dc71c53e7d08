import {
  connectDomainEventCallbackDeregisterAny,
  connectDomainEventCallbackRegisterAny,
} from './domain.procedures';
import type { LibvirtConnection } from './libvirt.connection';
import { DomainEventId, RemoteProcedure } from './remote-protocol';
import { DomainRef, readDomain, readString } from './remote-types.codec';
import { XdrReader } from './xdr.codec';

export interface LifecycleDomainEvent {
  kind: 'lifecycle';
  callbackId: number;
  domain: DomainRef;
  /** A LifecycleEvent value (Started, Stopped, ...). */
  event: number;
  /** The event's detail enum value (StoppedDetail for Stopped, ...). */
  detail: number;
}

export interface DeviceDomainEvent {
  kind: 'device-added' | 'device-removed';
  callbackId: number;
  domain: DomainRef;
  /** The device's alias: "virtio-disk1", or the "ua-..." alias the domain XML gave it. */
  alias: string;
}

export type DomainEvent = LifecycleDomainEvent | DeviceDomainEvent;

export interface DomainEventSubscription {
  readonly callbackIds: readonly number[];
  /** Deregisters the callbacks from the daemon and stops delivering events. */
  unsubscribe(): Promise<void>;
}

/** remote_domain_event_callback_lifecycle_msg. */
export function readLifecycleEvent(r: XdrReader): LifecycleDomainEvent {
  return { kind: 'lifecycle', callbackId: r.int(), domain: readDomain(r), event: r.int(), detail: r.int() };
}

/** remote_domain_event_callback_device_added_msg. */
export function readDeviceAddedEvent(r: XdrReader): DeviceDomainEvent {
  return { kind: 'device-added', callbackId: r.int(), domain: readDomain(r), alias: readString(r) };
}

/** remote_domain_event_callback_device_removed_msg: same fields as device-added, nested one level on the wire. */
export function readDeviceRemovedEvent(r: XdrReader): DeviceDomainEvent {
  return { kind: 'device-removed', callbackId: r.int(), domain: readDomain(r), alias: readString(r) };
}

const EVENT_MESSAGES = [
  {
    id: DomainEventId.Lifecycle,
    procedure: RemoteProcedure.DomainEventCallbackLifecycle,
    read: readLifecycleEvent,
  },
  {
    id: DomainEventId.DeviceAdded,
    procedure: RemoteProcedure.DomainEventCallbackDeviceAdded,
    read: readDeviceAddedEvent,
  },
  {
    id: DomainEventId.DeviceRemoved,
    procedure: RemoteProcedure.DomainEventCallbackDeviceRemoved,
    read: readDeviceRemovedEvent,
  },
];

/**
 * Registers lifecycle, device-added and device-removed callbacks for every domain and hands each
 * event to `listener`. Several subscriptions may share a connection: the daemon sends one message
 * per registered callback, and each subscription keeps only those carrying its own callback ids.
 */
export async function subscribeDomainEvents(
  conn: LibvirtConnection,
  listener: (event: DomainEvent) => void,
): Promise<DomainEventSubscription> {
  const callbackIds = new Set<number>();
  // The daemon may queue an event for a new callback before its registration reply is read:
  // such events wait here until the reply says whose they are.
  const early: DomainEvent[] = [];
  let registering = true;
  const offs = EVENT_MESSAGES.map(({ procedure, read }) =>
    conn.onMessage(procedure, (body) => {
      const event = read(body);
      body.end();
      if (callbackIds.has(event.callbackId)) listener(event);
      else if (registering) early.push(event);
    }),
  );
  const stopListening = () => offs.forEach((off) => off());
  try {
    for (const { id } of EVENT_MESSAGES) {
      callbackIds.add(await connectDomainEventCallbackRegisterAny(conn, id));
    }
  } catch (error) {
    stopListening();
    await Promise.allSettled([...callbackIds].map((id) => connectDomainEventCallbackDeregisterAny(conn, id)));
    throw error;
  }
  registering = false;
  for (const event of early.splice(0)) {
    if (callbackIds.has(event.callbackId)) listener(event);
  }
  return {
    callbackIds: [...callbackIds],
    async unsubscribe() {
      stopListening();
      if (!conn.isOpen) return;
      await Promise.all([...callbackIds].map((id) => connectDomainEventCallbackDeregisterAny(conn, id)));
    },
  };
}
