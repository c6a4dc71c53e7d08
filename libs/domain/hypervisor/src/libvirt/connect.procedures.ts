// Connection- and node-level procedures of libvirt's remote program, one typed function each: the
// arguments are encoded as the procedure's args struct in remote_protocol.x, its ret struct decoded.
import type { LibvirtConnection } from './libvirt.connection';
import { ALL_CELLS, Limits, RemoteProcedure } from './remote-protocol';
import { readString, writeOptionalString } from './remote-types.codec';
import { XdrReader } from './xdr.codec';

export interface NodeInfo {
  /** CPU model string; libvirt reports the architecture there ("x86_64"). */
  model: string;
  memoryKib: bigint;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** Authentication types the daemon accepts on this socket (AuthType values). */
export function authList(conn: LibvirtConnection): Promise<number[]> {
  return conn.call(RemoteProcedure.AuthList, undefined, (r) => r.array((x) => x.int(), Limits.authTypeList));
}

/** Polkit authentication: the daemon checks the socket peer's credentials, there is nothing to send. */
export function authPolkit(conn: LibvirtConnection): Promise<boolean> {
  return conn.call(RemoteProcedure.AuthPolkit, undefined, (r) => r.int() !== 0);
}

export function connectOpen(conn: LibvirtConnection, uri: string, flags: number): Promise<void> {
  return conn.call(RemoteProcedure.ConnectOpen, (w) => {
    writeOptionalString(w, uri);
    w.uint(flags);
  });
}

export function connectClose(conn: LibvirtConnection, timeoutMs?: number): Promise<void> {
  return conn.call(RemoteProcedure.ConnectClose, undefined, undefined, timeoutMs);
}

export function connectSupportsFeature(conn: LibvirtConnection, feature: number): Promise<boolean> {
  return conn.call(
    RemoteProcedure.ConnectSupportsFeature,
    (w) => w.int(feature),
    (r) => r.int() !== 0,
  );
}

/** The hypervisor driver's name: "QEMU", "Test", ... */
export function connectGetType(conn: LibvirtConnection): Promise<string> {
  return conn.call(RemoteProcedure.ConnectGetType, undefined, readString);
}

/** Hypervisor version as major * 1,000,000 + minor * 1,000 + release (QEMU 7.2.22 is 7002022). */
export function connectGetVersion(conn: LibvirtConnection): Promise<number> {
  return conn.call(RemoteProcedure.ConnectGetVersion, undefined, (r) => Number(r.uhyper()));
}

/** libvirt's own version, encoded like connectGetVersion. */
export function connectGetLibVersion(conn: LibvirtConnection): Promise<number> {
  return conn.call(RemoteProcedure.ConnectGetLibVersion, undefined, (r) => Number(r.uhyper()));
}

export function connectGetHostname(conn: LibvirtConnection): Promise<string> {
  return conn.call(RemoteProcedure.ConnectGetHostname, undefined, readString);
}

/** The capabilities XML: host CPU, guest architectures and domain types. */
export function connectGetCapabilities(conn: LibvirtConnection): Promise<string> {
  return conn.call(RemoteProcedure.ConnectGetCapabilities, undefined, readString);
}

export function nodeGetInfo(conn: LibvirtConnection): Promise<NodeInfo> {
  return conn.call(RemoteProcedure.NodeGetInfo, undefined, (r) => ({
    model: readCharArray(r, Limits.nodeModel),
    memoryKib: r.uhyper(),
    cpus: r.int(),
    mhz: r.int(),
    nodes: r.int(),
    sockets: r.int(),
    cores: r.int(),
    threads: r.int(),
  }));
}

/**
 * Host memory counters in KiB ("total", "free", "buffers", "cached"), summed over all NUMA cells.
 * The protocol is asked twice: once for how many counters there are, then for their values.
 */
export async function nodeGetMemoryStats(
  conn: LibvirtConnection,
  cell = ALL_CELLS,
): Promise<Map<string, bigint>> {
  const request = (nparams: number) =>
    conn.call(
      RemoteProcedure.NodeGetMemoryStats,
      (w) => w.int(nparams).int(cell).uint(0),
      (r) => ({
        params: r.array((x) => ({ field: readString(x), value: x.uhyper() }), Limits.nodeMemoryStats),
        nparams: r.int(),
      }),
    );
  const { nparams } = await request(0);
  const { params } = await request(nparams);
  return new Map(params.map((p) => [p.field, p.value]));
}

/** rpcgen encodes `char name[N]` as N four-byte units, one per character; the string ends at NUL. */
function readCharArray(reader: XdrReader, length: number): string {
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) bytes.push(reader.int() & 0xff);
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.slice(0, end)).toString('latin1');
}
