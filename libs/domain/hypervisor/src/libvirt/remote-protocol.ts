/**
 * Numbers of libvirt's RPC protocol, as libvirt defines them in src/rpc/virnetprotocol.x,
 * src/rpc/virkeepaliveprotocol.x, src/remote/remote_protocol.x and include/libvirt/*.h.
 * libvirt never renumbers a procedure or an enum value, so these stay valid across releases.
 */

export const REMOTE_PROGRAM = 0x20008086;
export const REMOTE_PROTOCOL_VERSION = 1;

/** "keep": the daemon pings idle clients with it once they say they support it. */
export const KEEPALIVE_PROGRAM = 0x6b656570;
export const KEEPALIVE_PROTOCOL_VERSION = 1;
export const KeepaliveProcedure = { Ping: 1, Pong: 2 } as const;

/** Largest message libvirt accepts, length word excluded (VIR_NET_MESSAGE_MAX). */
export const MESSAGE_MAX = 32 * 1024 * 1024;
/** Length word plus prog, vers, proc, type, serial, status. */
export const HEADER_LENGTH = 28;

export const MessageType = {
  Call: 0,
  Reply: 1,
  Message: 2,
  Stream: 3,
  CallWithFds: 4,
  ReplyWithFds: 5,
  StreamHole: 6,
} as const;

export const MessageStatus = { Ok: 0, Error: 1, Continue: 2 } as const;

/** Upper bounds from remote_protocol.x; the decoder refuses anything larger. */
export const Limits = {
  string: 4 * 1024 * 1024,
  domainList: 16384,
  authTypeList: 20,
  nodeMemoryStats: 16,
  domainStatsParams: 262144,
  nodeModel: 32,
  uuid: 16,
} as const;

/** The remote program's procedures this client implements (enum remote_procedure). */
export const RemoteProcedure = {
  ConnectOpen: 1,
  ConnectClose: 2,
  ConnectGetType: 3,
  ConnectGetVersion: 4,
  NodeGetInfo: 6,
  ConnectGetCapabilities: 7,
  DomainCreate: 9,
  DomainGetXmlDesc: 14,
  DomainGetInfo: 16,
  DomainLookupByName: 23,
  DomainLookupByUuid: 24,
  DomainReboot: 27,
  DomainResume: 28,
  DomainSuspend: 34,
  ConnectGetHostname: 59,
  ConnectSupportsFeature: 60,
  AuthList: 66,
  AuthPolkit: 70,
  ConnectGetLibVersion: 157,
  DomainAttachDeviceFlags: 160,
  DomainDetachDeviceFlags: 161,
  DomainManagedSave: 182,
  DomainHasManagedSaveImage: 183,
  DomainManagedSaveRemove: 184,
  DomainCreateWithFlags: 196,
  DomainGetState: 212,
  NodeGetMemoryStats: 228,
  DomainUndefineFlags: 231,
  DomainDestroyFlags: 234,
  DomainShutdownFlags: 258,
  ConnectListAllDomains: 273,
  ConnectDomainEventCallbackRegisterAny: 316,
  ConnectDomainEventCallbackDeregisterAny: 317,
  DomainEventCallbackLifecycle: 318,
  DomainEventCallbackDeviceRemoved: 333,
  ConnectGetAllDomainStats: 344,
  DomainDefineXmlFlags: 350,
  DomainEventCallbackDeviceAdded: 354,
  DomainDetachDeviceAlias: 392,
} as const;

/** virDrvFeature values asked through ConnectSupportsFeature. */
export const DriverFeature = { ProgramKeepalive: 10 } as const;

export const AuthType = { None: 0, Sasl: 1, Polkit: 2 } as const;

/** virDomainState. */
export const DomainState = {
  NoState: 0,
  Running: 1,
  Blocked: 2,
  Paused: 3,
  Shutdown: 4,
  Shutoff: 5,
  Crashed: 6,
  PmSuspended: 7,
} as const;

/** virDomainShutoffReason, the reason that goes with DomainState.Shutoff. */
export const ShutoffReason = {
  Unknown: 0,
  Shutdown: 1,
  Destroyed: 2,
  Crashed: 3,
  Migrated: 4,
  Saved: 5,
  Failed: 6,
  FromSnapshot: 7,
  Daemon: 8,
} as const;

/** virDomainEventID: which kind of event a callback registers for. */
export const DomainEventId = { Lifecycle: 0, DeviceRemoved: 15, DeviceAdded: 19 } as const;

/** virDomainEventType, the `event` of a lifecycle event. */
export const LifecycleEvent = {
  Defined: 0,
  Undefined: 1,
  Started: 2,
  Suspended: 3,
  Resumed: 4,
  Stopped: 5,
  Shutdown: 6,
  PmSuspended: 7,
  Crashed: 8,
} as const;

/** virDomainEventStoppedDetailType, the `detail` of a Stopped lifecycle event. */
export const StoppedDetail = {
  Shutdown: 0,
  Destroyed: 1,
  Crashed: 2,
  Migrated: 3,
  Saved: 4,
  Failed: 5,
  FromSnapshot: 6,
} as const;

/** virConnectListAllDomainsFlags. */
export const ListDomainsFlag = { Active: 1, Inactive: 2, Persistent: 4, Transient: 8 } as const;

/** virDomainDefineFlags. */
export const DefineFlag = { Validate: 1 } as const;

/** virDomainCreateFlags. */
export const StartFlag = { Paused: 1, Autodestroy: 2, BypassCache: 4, ForceBoot: 8, Validate: 16 } as const;

/** virDomainDestroyFlagsValues. */
export const DestroyFlag = { Default: 0, Graceful: 1 } as const;

/** virDomainUndefineFlagsValues. */
export const UndefineFlag = {
  ManagedSave: 1,
  SnapshotsMetadata: 2,
  Nvram: 4,
  CheckpointsMetadata: 16,
} as const;

/** virDomainShutdownFlagValues and virDomainRebootFlagValues share these bits. */
export const ShutdownFlag = { Default: 0, AcpiPowerButton: 1, GuestAgent: 2 } as const;

/** virDomainModificationImpact, for device attach and detach. */
export const AffectFlag = { Current: 0, Live: 1, Config: 2 } as const;

/** virDomainXMLFlags. */
export const XmlFlag = { Secure: 1, Inactive: 2 } as const;

/** virDomainStatsTypes. */
export const StatsType = {
  State: 1,
  CpuTotal: 2,
  Balloon: 4,
  Vcpu: 8,
  Interface: 16,
  Block: 32,
} as const;

/** VIR_NODE_MEMORY_STATS_ALL_CELLS. */
export const ALL_CELLS = -1;

/** virTypedParameterType, the discriminant of remote_typed_param_value. */
export const TypedParamType = {
  Int: 1,
  Uint: 2,
  Llong: 3,
  Ullong: 4,
  Double: 5,
  Boolean: 6,
  String: 7,
} as const;

/** virErrorNumber values the drivers act on; every other code is still reported as is. */
export const ErrorCode = {
  NoSupport: 3,
  NoDomain: 42,
  OperationInvalid: 55,
  DeviceMissing: 99,
} as const;
