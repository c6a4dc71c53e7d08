// Domain procedures of libvirt's remote program, one typed function each: the
// arguments are encoded as the procedure's args struct in remote_protocol.x, its ret struct decoded.
import type { LibvirtConnection } from './libvirt.connection';
import { Limits, RemoteProcedure } from './remote-protocol';
import {
  DomainRef,
  readDomain,
  readString,
  readTypedParam,
  TypedParam,
  writeDomain,
  writeString,
  writeUuid,
} from './remote-types.codec';
import { XdrWriter } from './xdr.codec';

export interface DomainInfo {
  /** A DomainState value. */
  state: number;
  maxMemoryKib: bigint;
  memoryKib: bigint;
  vcpus: number;
  cpuTimeNs: bigint;
}

export interface DomainStateReason {
  /** A DomainState value. */
  state: number;
  /** The reason enum that goes with the state (ShutoffReason for Shutoff, ...). */
  reason: number;
}

export interface DomainStats {
  domain: DomainRef;
  params: TypedParam[];
}

/** Every domain matching `flags` (ListDomainsFlag bits; 0 lists all). */
export function connectListAllDomains(conn: LibvirtConnection, flags = 0): Promise<DomainRef[]> {
  return conn.call(
    RemoteProcedure.ConnectListAllDomains,
    (w) => w.int(1).uint(flags),
    (r) => {
      const domains = r.array(readDomain, Limits.domainList);
      r.uint();
      return domains;
    },
  );
}

export function domainLookupByName(conn: LibvirtConnection, name: string): Promise<DomainRef> {
  return conn.call(RemoteProcedure.DomainLookupByName, (w) => writeString(w, name), readDomain);
}

export function domainLookupByUuid(conn: LibvirtConnection, uuid: string): Promise<DomainRef> {
  return conn.call(RemoteProcedure.DomainLookupByUuid, (w) => writeUuid(w, uuid), readDomain);
}

/** Defines (or redefines) a persistent domain from its XML; `flags` are DefineFlag bits. */
export function domainDefineXmlFlags(conn: LibvirtConnection, xml: string, flags = 0): Promise<DomainRef> {
  return conn.call(
    RemoteProcedure.DomainDefineXmlFlags,
    (w) => {
      writeString(w, xml);
      w.uint(flags);
    },
    readDomain,
  );
}

/** Starts a defined domain (restoring its managed-save image if it has one); answers it with its new id. */
export function domainCreateWithFlags(
  conn: LibvirtConnection,
  domain: DomainRef,
  flags = 0,
): Promise<DomainRef> {
  return conn.call(
    RemoteProcedure.DomainCreateWithFlags,
    (w) => writeDomainAndFlags(w, domain, flags),
    readDomain,
  );
}

/** Stops a running domain at once, like pulling the power cord; `flags` are DestroyFlag bits. */
export function domainDestroyFlags(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<void> {
  return conn.call(RemoteProcedure.DomainDestroyFlags, (w) => writeDomainAndFlags(w, domain, flags));
}

/** Removes a domain's persistent definition; `flags` are UndefineFlag bits. */
export function domainUndefineFlags(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<void> {
  return conn.call(RemoteProcedure.DomainUndefineFlags, (w) => writeDomainAndFlags(w, domain, flags));
}

/** Asks the guest to shut down (ACPI or agent, per ShutdownFlag); returns before it has. */
export function domainShutdownFlags(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<void> {
  return conn.call(RemoteProcedure.DomainShutdownFlags, (w) => writeDomainAndFlags(w, domain, flags));
}

/** Asks the guest to reboot, with the same methods as shutdown. */
export function domainReboot(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<void> {
  return conn.call(RemoteProcedure.DomainReboot, (w) => writeDomainAndFlags(w, domain, flags));
}

/** Pauses the guest's vCPUs; memory stays allocated. */
export function domainSuspend(conn: LibvirtConnection, domain: DomainRef): Promise<void> {
  return conn.call(RemoteProcedure.DomainSuspend, (w) => writeDomain(w, domain));
}

export function domainResume(conn: LibvirtConnection, domain: DomainRef): Promise<void> {
  return conn.call(RemoteProcedure.DomainResume, (w) => writeDomain(w, domain));
}

export function domainGetInfo(conn: LibvirtConnection, domain: DomainRef): Promise<DomainInfo> {
  return conn.call(
    RemoteProcedure.DomainGetInfo,
    (w) => writeDomain(w, domain),
    (r) => ({
      // unsigned char and unsigned short still take a full four-byte unit in XDR.
      state: r.uint(),
      maxMemoryKib: r.uhyper(),
      memoryKib: r.uhyper(),
      vcpus: r.uint(),
      cpuTimeNs: r.uhyper(),
    }),
  );
}

export function domainGetState(conn: LibvirtConnection, domain: DomainRef): Promise<DomainStateReason> {
  return conn.call(
    RemoteProcedure.DomainGetState,
    (w) => writeDomainAndFlags(w, domain, 0),
    (r) => ({ state: r.int(), reason: r.int() }),
  );
}

/** The domain's XML: live when running, unless XmlFlag.Inactive asks for the persistent one. */
export function domainGetXmlDesc(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<string> {
  return conn.call(
    RemoteProcedure.DomainGetXmlDesc,
    (w) => writeDomainAndFlags(w, domain, flags),
    readString,
  );
}

/** Hot-plugs and/or persists a device; `flags` are AffectFlag bits. */
export function domainAttachDeviceFlags(
  conn: LibvirtConnection,
  domain: DomainRef,
  xml: string,
  flags: number,
): Promise<void> {
  return conn.call(RemoteProcedure.DomainAttachDeviceFlags, (w) => {
    writeDomain(w, domain);
    writeString(w, xml);
    w.uint(flags);
  });
}

/**
 * Requests removal of the device described by `xml`. For a live guest the call returns once the
 * request is sent; the device is gone only when the device-removed event arrives.
 */
export function domainDetachDeviceFlags(
  conn: LibvirtConnection,
  domain: DomainRef,
  xml: string,
  flags: number,
): Promise<void> {
  return conn.call(RemoteProcedure.DomainDetachDeviceFlags, (w) => {
    writeDomain(w, domain);
    writeString(w, xml);
    w.uint(flags);
  });
}

/** Like domainDetachDeviceFlags, naming the device by its alias instead of its XML. */
export function domainDetachDeviceAlias(
  conn: LibvirtConnection,
  domain: DomainRef,
  alias: string,
  flags: number,
): Promise<void> {
  return conn.call(RemoteProcedure.DomainDetachDeviceAlias, (w) => {
    writeDomain(w, domain);
    writeString(w, alias);
    w.uint(flags);
  });
}

/** Saves the guest's memory to a libvirt-managed file and stops it; the next start restores it. */
export function domainManagedSave(conn: LibvirtConnection, domain: DomainRef, flags = 0): Promise<void> {
  return conn.call(RemoteProcedure.DomainManagedSave, (w) => writeDomainAndFlags(w, domain, flags));
}

export function domainHasManagedSaveImage(conn: LibvirtConnection, domain: DomainRef): Promise<boolean> {
  return conn.call(
    RemoteProcedure.DomainHasManagedSaveImage,
    (w) => writeDomainAndFlags(w, domain, 0),
    (r) => r.int() !== 0,
  );
}

export function domainManagedSaveRemove(conn: LibvirtConnection, domain: DomainRef): Promise<void> {
  return conn.call(RemoteProcedure.DomainManagedSaveRemove, (w) => writeDomainAndFlags(w, domain, 0));
}

/**
 * Bulk statistics: `stats` selects groups (StatsType bits), `domains` limits the answer to those
 * domains (all of them when empty), `flags` filter like ListDomainsFlag.
 */
export function connectGetAllDomainStats(
  conn: LibvirtConnection,
  stats: number,
  domains: DomainRef[] = [],
  flags = 0,
): Promise<DomainStats[]> {
  return conn.call(
    RemoteProcedure.ConnectGetAllDomainStats,
    (w) => {
      w.array(domains, writeDomain, Limits.domainList);
      w.uint(stats).uint(flags);
    },
    (r) =>
      r.array(
        (x) => ({ domain: readDomain(x), params: x.array(readTypedParam, Limits.domainStatsParams) }),
        Limits.domainList,
      ),
  );
}

/** Registers for one kind of domain event (DomainEventId), for all domains or one; answers the callback id. */
export function connectDomainEventCallbackRegisterAny(
  conn: LibvirtConnection,
  eventId: number,
  domain: DomainRef | null = null,
): Promise<number> {
  return conn.call(
    RemoteProcedure.ConnectDomainEventCallbackRegisterAny,
    (w) => {
      w.int(eventId);
      w.optional(domain, writeDomain);
    },
    (r) => r.int(),
  );
}

export function connectDomainEventCallbackDeregisterAny(
  conn: LibvirtConnection,
  callbackId: number,
): Promise<void> {
  return conn.call(RemoteProcedure.ConnectDomainEventCallbackDeregisterAny, (w) => w.int(callbackId));
}

function writeDomainAndFlags(w: XdrWriter, domain: DomainRef, flags: number): void {
  writeDomain(w, domain);
  w.uint(flags);
}
