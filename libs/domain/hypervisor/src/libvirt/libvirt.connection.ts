import { createConnection, Socket } from 'node:net';
import {
  authList,
  authPolkit,
  connectClose,
  connectOpen,
  connectSupportsFeature,
} from './connect.procedures';
import { LibvirtConnectionError } from './libvirt.error';
import { decodeMessage, encodeMessage, FrameDecoder, MessageHeader } from './packet.codec';
import {
  AuthType,
  DriverFeature,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  KeepaliveProcedure,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from './remote-protocol';
import { readRemoteError } from './remote-types.codec';
import { XdrReader, XdrWriter } from './xdr.codec';

export const DEFAULT_LIBVIRT_SOCKET = '/run/libvirt/libvirt-sock';

export interface LibvirtConnectionOptions {
  /** How long a call waits for its reply. Starting a TCG guest or a managed save takes seconds. */
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * Idle time after which each side pings the other. The daemon starts pinging only once the
   * client says it understands keepalive; 0 turns keepalive off on both sides.
   */
  keepaliveIntervalMs?: number;
  /** Unanswered intervals after which the daemon is considered gone and the connection fails. */
  keepaliveCount?: number;
  /**
   * Calls in flight at once; later ones wait their turn. Once a client has max_client_requests
   * calls running (5 by default), libvirtd stops reading its socket, keepalive answers included;
   * staying one below keeps the socket read.
   */
  maxConcurrentCalls?: number;
}

export type MessageHandler = (body: XdrReader) => void;

interface OutgoingCall {
  procedure: number;
  serial: number;
  frame: Buffer;
  timeoutMs: number;
  resolve: (body: XdrReader) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

const DEFAULTS: Required<LibvirtConnectionOptions> = {
  callTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCount: 5,
  maxConcurrentCalls: 4,
};

const MAX_SERIAL = 0xffff_ffff;

/**
 * One connection to libvirtd over its UNIX socket, speaking the remote protocol directly: calls
 * are framed, sent, and matched to their replies by serial, so callers may issue any number at
 * once (the connection sends up to maxConcurrentCalls and queues the rest). Asynchronous messages
 * (domain events) go to handlers registered per procedure; keepalive pings are answered here.
 */
export class LibvirtConnection {
  private readonly decoder = new FrameDecoder();
  /** Sent and awaiting their reply. */
  private readonly pending = new Map<number, OutgoingCall>();
  /** Timed out here but still running in the daemon: they hold a slot until their reply comes. */
  private readonly abandoned = new Set<number>();
  /** Waiting for a free slot. */
  private readonly queue: OutgoingCall[] = [];
  private readonly handlers = new Map<number, Set<MessageHandler>>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private readonly handlerErrorListeners = new Set<(error: unknown) => void>();
  private readonly options: Required<LibvirtConnectionOptions>;
  private serial = 0;
  private lastReceivedAt = Date.now();
  private keepaliveTimer?: NodeJS.Timeout;
  private closedWith?: Error;
  private closed = false;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    readonly uri: string,
    options: LibvirtConnectionOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) =>
      this.fail(new LibvirtConnectionError(`libvirt socket: ${error.message}`, { cause: error })),
    );
    socket.on('close', () => this.fail(new LibvirtConnectionError('libvirtd closed the connection')));
  }

  /**
   * Connects to the daemon's socket, authenticates (none or polkit: both rest on the socket's peer
   * credentials), enables keepalive and opens `uri` (`qemu:///system`, `test:///default`, ...).
   */
  static async open(
    uri: string,
    socketPath = DEFAULT_LIBVIRT_SOCKET,
    options: LibvirtConnectionOptions = {},
  ): Promise<LibvirtConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    const socket = await connectSocket(socketPath, connectTimeoutMs);
    const connection = new LibvirtConnection(socket, uri, options);
    try {
      const authTypes = await authList(connection);
      if (authTypes.includes(AuthType.Polkit) && !authTypes.includes(AuthType.None)) {
        await authPolkit(connection);
      } else if (!authTypes.includes(AuthType.None)) {
        throw new LibvirtConnectionError(
          `libvirtd at ${socketPath} requires authentication types [${authTypes.join(', ')}]; only none and polkit are supported`,
        );
      }
      const { keepaliveIntervalMs } = connection.options;
      if (
        keepaliveIntervalMs > 0 &&
        (await connectSupportsFeature(connection, DriverFeature.ProgramKeepalive))
      ) {
        connection.startKeepalive();
      }
      await connectOpen(connection, uri, 0);
      return connection;
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Calls one procedure of the remote program. `writeArgs` encodes its args struct (nothing when
   * the procedure takes none), `readRet` decodes its ret struct. A remote_error rejects the
   * promise with a LibvirtError.
   */
  call<T = void>(
    procedure: number,
    writeArgs?: (writer: XdrWriter) => void,
    readRet?: (reader: XdrReader) => T,
    timeoutMs = this.options.callTimeoutMs,
  ): Promise<T> {
    if (this.closed) {
      return Promise.reject(this.closedWith ?? new LibvirtConnectionError('connection is closed'));
    }
    const writer = new XdrWriter();
    writeArgs?.(writer);
    const serial = this.nextSerial();
    const frame = encodeMessage(
      {
        program: REMOTE_PROGRAM,
        version: REMOTE_PROTOCOL_VERSION,
        procedure,
        type: MessageType.Call,
        serial,
        status: MessageStatus.Ok,
      },
      writer.toBuffer(),
    );
    return new Promise<T>((resolve, reject) => {
      const call: OutgoingCall = {
        procedure,
        serial,
        frame,
        timeoutMs,
        reject,
        resolve: (body) => {
          const value = readRet ? readRet(body) : (undefined as T);
          body.end();
          resolve(value);
        },
      };
      // The timeout counts from here, waiting included: a caller's deadline does not care why.
      call.timer = setTimeout(() => this.expire(call), timeoutMs);
      if (this.inFlight() < this.options.maxConcurrentCalls) this.send(call);
      else this.queue.push(call);
    });
  }

  /** Subscribes to asynchronous messages of one procedure (an event kind); returns the unsubscribe. */
  onMessage(procedure: number, handler: MessageHandler): () => void {
    let set = this.handlers.get(procedure);
    if (!set) {
      set = new Set();
      this.handlers.set(procedure, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called once when the connection ends; with the error unless close() ended it. */
  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Receives what a message handler throws. A handler's failure must not break the connection
   * the other callers share, nor escape as an uncaught exception.
   */
  onHandlerError(listener: (error: unknown) => void): () => void {
    this.handlerErrorListeners.add(listener);
    return () => this.handlerErrorListeners.delete(listener);
  }

  /** Closes the libvirt connection politely (CONNECT_CLOSE), then the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    try {
      await connectClose(this, Math.min(this.options.callTimeoutMs, 5_000));
    } catch {
      // The daemon may already be gone; the socket is closed below either way.
    }
    this.finish();
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.once('close', () => resolve()).end();
    });
  }

  /** Drops the socket at once, failing calls still in flight. */
  destroy(): void {
    this.fail(new LibvirtConnectionError('connection destroyed'));
    this.socket.destroy();
  }

  private inFlight(): number {
    return this.pending.size + this.abandoned.size;
  }

  private send(call: OutgoingCall): void {
    this.pending.set(call.serial, call);
    this.socket.write(call.frame);
  }

  private expire(call: OutgoingCall): void {
    if (this.pending.delete(call.serial)) this.abandoned.add(call.serial);
    else this.queue.splice(this.queue.indexOf(call), 1);
    call.reject(
      new LibvirtConnectionError(`procedure ${call.procedure} got no reply within ${call.timeoutMs} ms`),
    );
  }

  private sendQueued(): void {
    while (this.queue.length > 0 && this.inFlight() < this.options.maxConcurrentCalls) {
      this.send(this.queue.shift()!);
    }
  }

  private nextSerial(): number {
    this.serial = this.serial >= MAX_SERIAL ? 1 : this.serial + 1;
    return this.serial;
  }

  private receive(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.fail(
        new LibvirtConnectionError(`malformed data from libvirtd: ${String(error)}`, { cause: error }),
      );
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.dispatch(frame);
  }

  private dispatch(frame: Buffer): void {
    const { header, body } = decodeMessage(frame);
    if (header.program === KEEPALIVE_PROGRAM) {
      if (header.procedure === KeepaliveProcedure.Ping) this.sendKeepalive(KeepaliveProcedure.Pong);
      return;
    }
    if (header.program !== REMOTE_PROGRAM) return;
    if (header.type === MessageType.Reply) this.settle(header, body);
    else if (header.type === MessageType.Message) this.deliver(header.procedure, body);
  }

  private settle(header: MessageHeader, body: Buffer): void {
    const call = this.pending.get(header.serial);
    this.pending.delete(header.serial);
    this.abandoned.delete(header.serial);
    if (call) {
      clearTimeout(call.timer);
      try {
        if (header.status === MessageStatus.Ok) call.resolve(new XdrReader(body));
        else call.reject(readRemoteError(new XdrReader(body), call.procedure));
      } catch (error) {
        call.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.sendQueued();
  }

  private deliver(procedure: number, body: Buffer): void {
    for (const handler of this.handlers.get(procedure) ?? []) {
      try {
        handler(new XdrReader(body));
      } catch (error) {
        for (const listener of this.handlerErrorListeners) listener(error);
      }
    }
  }

  private startKeepalive(): void {
    const { keepaliveIntervalMs, keepaliveCount } = this.options;
    this.keepaliveTimer = setInterval(() => {
      const idle = Date.now() - this.lastReceivedAt;
      if (idle >= keepaliveIntervalMs * keepaliveCount) {
        this.fail(
          new LibvirtConnectionError(`libvirtd sent nothing for ${idle} ms; connection considered dead`),
        );
        this.socket.destroy();
      } else if (idle >= keepaliveIntervalMs) {
        this.sendKeepalive(KeepaliveProcedure.Ping);
      }
    }, keepaliveIntervalMs);
    // Keepalive watches the daemon; it must not be what keeps a finished process alive.
    this.keepaliveTimer.unref();
  }

  private sendKeepalive(procedure: number): void {
    if (this.closed) return;
    this.socket.write(
      encodeMessage({
        program: KEEPALIVE_PROGRAM,
        version: KEEPALIVE_PROTOCOL_VERSION,
        procedure,
        type: MessageType.Message,
        serial: 0,
        status: MessageStatus.Ok,
      }),
    );
  }

  /** Marks the connection closed by close(): no error for the listeners. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.teardown(new LibvirtConnectionError('connection is closed'));
    for (const listener of this.closeListeners) listener();
  }

  private fail(error: Error): void {
    if (this.closing) {
      this.finish();
      return;
    }
    if (this.closed) return;
    this.closed = true;
    this.closedWith = error;
    this.teardown(error);
    for (const listener of this.closeListeners) listener(error);
  }

  private teardown(error: Error): void {
    clearInterval(this.keepaliveTimer);
    for (const call of [...this.pending.values(), ...this.queue.splice(0)]) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
    this.abandoned.clear();
  }
}

function connectSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new LibvirtConnectionError(`no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new LibvirtConnectionError(`cannot connect to libvirtd at ${path}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      );
    });
  });
}
