import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, FrameDecoder, MessageHeader } from '../src/libvirt/packet.codec';
import {
  AuthType,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  KeepaliveProcedure,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  RemoteProcedure,
  TypedParamType,
} from '../src/libvirt/remote-protocol';
import { TypedParam, writeOptionalString, writeString } from '../src/libvirt/remote-types.codec';
import { XdrReader, XdrWriter } from '../src/libvirt/xdr.codec';

export interface RemoteErrorFields {
  code: number;
  domain: number;
  message: string;
  level: number;
}

/** remote_error as the daemon writes it. */
export function writeRemoteError(writer: XdrWriter, error: RemoteErrorFields): void {
  writer.int(error.code).int(error.domain);
  writeOptionalString(writer, error.message);
  writer.int(error.level).bool(false);
  writeOptionalString(writer, null);
  writeOptionalString(writer, null);
  writeOptionalString(writer, null);
  writer.int(0).int(0).bool(false);
}

/** remote_typed_param as the daemon writes it; the JavaScript type picks the wire type. */
export function writeTypedParam(writer: XdrWriter, { field, value }: TypedParam): void {
  writeString(writer, field);
  if (typeof value === 'string') writeString(writer.int(TypedParamType.String), value);
  else if (typeof value === 'boolean') writer.int(TypedParamType.Boolean).int(value ? 1 : 0);
  else if (typeof value === 'bigint') {
    if (value < 0n) writer.int(TypedParamType.Llong).hyper(value);
    else writer.int(TypedParamType.Ullong).uhyper(value);
  } else if (!Number.isInteger(value)) writer.int(TypedParamType.Double).double(value);
  else if (value > 0x7fff_ffff) writer.int(TypedParamType.Uint).uint(value);
  else writer.int(TypedParamType.Int).int(value);
}

export interface ReceivedCall {
  procedure: number;
  serial: number;
  args: XdrReader;
}

/** What the fake answers to a call: a ret body, a remote_error, or nothing at all. */
export type FakeReply = { ret?: (writer: XdrWriter) => void } | { error: RemoteErrorFields } | 'no-reply';

export type CallHandler = (call: ReceivedCall) => FakeReply | Promise<FakeReply>;

/**
 * A stand-in for libvirtd on a private UNIX socket, speaking just enough of the protocol for the
 * connection tests: the handshake procedures answer by themselves, everything else goes to `handler`.
 */
export class FakeLibvirtd {
  /** Every message received, keepalives included, in arrival order. */
  readonly received: MessageHeader[] = [];
  private readonly clients = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly socketPath: string,
  ) {}

  static async start(handler: CallHandler = () => ({})): Promise<FakeLibvirtd> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-libvirtd-'));
    const socketPath = join(dir, 'libvirt-sock');
    const server = createServer();
    const fake = new FakeLibvirtd(server, dir, socketPath);
    server.on('connection', (socket) => fake.accept(socket, handler));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return fake;
  }

  /** Sends an asynchronous message (an event) for `procedure` to every client. */
  emit(procedure: number, write: (writer: XdrWriter) => void): void {
    const writer = new XdrWriter();
    write(writer);
    this.broadcast(
      this.header(procedure, MessageType.Message, 0, MessageStatus.Ok, REMOTE_PROGRAM),
      writer.toBuffer(),
    );
  }

  ping(): void {
    this.broadcast(
      this.header(KeepaliveProcedure.Ping, MessageType.Message, 0, MessageStatus.Ok, KEEPALIVE_PROGRAM),
      Buffer.alloc(0),
    );
  }

  /** Drops every client connection at once, as a crashing daemon would. */
  dropClients(): void {
    for (const client of this.clients) client.destroy();
  }

  async stop(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: Socket, handler: CallHandler): void {
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const { header, body } = decodeMessage(frame);
        this.received.push(header);
        if (header.program === REMOTE_PROGRAM && header.type === MessageType.Call) {
          void this.answer(socket, header, body, handler);
        }
      }
    });
  }

  private async answer(
    socket: Socket,
    call: MessageHeader,
    body: Buffer,
    handler: CallHandler,
  ): Promise<void> {
    const reply = await this.handshake(call, body, handler);
    if (reply === 'no-reply' || socket.destroyed) return;
    const writer = new XdrWriter();
    const isError = 'error' in reply;
    if (isError) writeRemoteError(writer, reply.error);
    else reply.ret?.(writer);
    const status = isError ? MessageStatus.Error : MessageStatus.Ok;
    socket.write(
      encodeMessage(
        this.header(call.procedure, MessageType.Reply, call.serial, status, REMOTE_PROGRAM),
        writer.toBuffer(),
      ),
    );
  }

  private handshake(call: MessageHeader, body: Buffer, handler: CallHandler): FakeReply | Promise<FakeReply> {
    switch (call.procedure) {
      case RemoteProcedure.AuthList:
        return { ret: (w) => w.array([AuthType.None], (x, t) => x.int(t)) };
      case RemoteProcedure.ConnectSupportsFeature:
        return { ret: (w) => w.int(1) };
      case RemoteProcedure.ConnectOpen:
      case RemoteProcedure.ConnectClose:
        return {};
      default:
        return handler({ procedure: call.procedure, serial: call.serial, args: new XdrReader(body) });
    }
  }

  private header(
    procedure: number,
    type: number,
    serial: number,
    status: number,
    program: number,
  ): MessageHeader {
    const version = program === KEEPALIVE_PROGRAM ? KEEPALIVE_PROTOCOL_VERSION : REMOTE_PROTOCOL_VERSION;
    return { program, version, procedure, type, serial, status };
  }

  private broadcast(header: MessageHeader, body: Buffer): void {
    for (const client of this.clients) client.write(encodeMessage(header, body));
  }
}
