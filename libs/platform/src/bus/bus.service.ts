import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { EventContract, ReplyOf, RequestOf, RpcContract } from '@stratus/contracts';
import { ErrorCode, RemoteErrorPayload } from '@stratus/contracts';
import { DomainError } from '../errors/domain-error';
import { JsonKv } from './json-kv';
import {
  AckPolicy,
  connect,
  ConsumerMessages,
  DeliverPolicy,
  JetStreamClient,
  JetStreamManager,
  JSONCodec,
  nanos,
  NatsConnection,
  RetentionPolicy,
  StorageType,
  Subscription,
} from 'nats';

export interface BusOptions {
  url: string;
  namespace: string;
  name: string;
  /** Copies of each stream in a NATS cluster (3 on a three-node JetStream cluster). */
  streamReplicas?: number;
}

const json = JSONCodec();

/**
 * The service's own NATS connection for events and JetStream. Request/reply goes through
 * Nest's NATS transport (see RpcClient and NamespacedNatsServer); both apply the same namespace.
 */
@Injectable()
export class BusService implements OnApplicationShutdown {
  private readonly logger = new Logger('Bus');
  private connection?: NatsConnection;
  private jetstream?: JetStreamClient;
  private manager?: JetStreamManager;
  private readonly consumers: ConsumerMessages[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly options: BusOptions) {}

  /** The subject as it is on the wire, with this cloud's namespace in front. */
  subject(subject: string): string {
    return this.options.namespace ? `${this.options.namespace}.${subject}` : subject;
  }

  streamName(name: string): string {
    return this.options.namespace
      ? `${this.options.namespace.replace(/[^A-Za-z0-9_-]/g, '_')}_${name}`
      : name;
  }

  async connect(): Promise<void> {
    if (this.connection) return;
    this.connection = await connect({
      servers: this.options.url,
      name: this.options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.jetstream = this.connection.jetstream();
    this.manager = await this.connection.jetstreamManager();
    this.logger.log(`connected to ${this.options.url}`);
  }

  get isConnected(): boolean {
    return this.connection !== undefined && !this.connection.isClosed() && !this.connection.isDraining();
  }

  private get nc(): NatsConnection {
    if (!this.connection) throw new Error('bus is not connected');
    return this.connection;
  }

  /** Creates or updates a limits-based stream holding the given event subjects for maxAgeMs. */
  async ensureStream(name: string, events: EventContract<unknown>[], maxAgeMs: number): Promise<void> {
    const config = {
      name: this.streamName(name),
      subjects: events.map((e) => this.subject(e.subject)),
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: maxAgeMs * 1_000_000,
      num_replicas: this.options.streamReplicas ?? 1,
    };
    try {
      await this.manager!.streams.info(config.name);
    } catch (error) {
      if (!String(error).includes('stream not found')) throw error;
      try {
        await this.manager!.streams.add(config);
        return;
      } catch (raced) {
        // Another replica starting at the same moment created it first: fall through to update.
        if (!String(raced).includes('already in use')) throw raced;
      }
    }
    await this.manager!.streams.update(config.name, config);
  }

  /** Publishes to JetStream and waits for the stream to store it. */
  async publishDurable<P>(contract: EventContract<P>, payload: P): Promise<void> {
    await this.jetstream!.publish(this.subject(contract.subject), json.encode(payload));
  }

  /** Fire-and-forget to every current subscriber. */
  broadcast<P>(contract: EventContract<P>, payload: P): void {
    this.nc.publish(this.subject(contract.subject), json.encode(payload));
  }

  onBroadcast<P>(contract: EventContract<P>, handler: (payload: P) => void): void {
    const sub = this.nc.subscribe(this.subject(contract.subject), {
      callback: (error, message) => {
        if (error) return this.logger.warn(`subscription error: ${error.message}`);
        handler(json.decode(message.data) as P);
      },
    });
    this.subscriptions.push(sub);
  }

  /**
   * Replays a stream from its start (an ordered consumer's default) and then follows it live (an ordered, ephemeral consumer), so a
   * restarted service rebuilds its view. `onCaughtUp` runs once the replay has reached the present.
   */
  async follow<P>(
    stream: string,
    contract: EventContract<P>,
    handler: (payload: P) => void,
    onCaughtUp: () => void,
  ): Promise<void> {
    const name = this.streamName(stream);
    const consumer = await this.jetstream!.consumers.get(name, {
      // A single filter subject: NATS 2.9 (Debian bookworm) has no multi-subject filters.
      filterSubjects: this.subject(contract.subject),
    });
    // The stream holds only this event's subject, so an empty stream means nothing to replay.
    let pending = (await this.manager!.streams.info(name)).state.messages;
    if (pending === 0) onCaughtUp();
    const messages = await consumer.consume();
    this.consumers.push(messages);
    void (async () => {
      for await (const message of messages) {
        try {
          handler(json.decode(message.data) as P);
        } catch (error) {
          this.logger.error(`bad event on ${message.subject}: ${String(error)}`);
        }
        if (pending > 0 && message.info.pending === 0) {
          pending = 0;
          onCaughtUp();
        }
      }
    })();
  }

  /**
   * Answers a request/reply contract on a subject known only at run time (a compute host's own
   * subjects), speaking the wire format of Nest's NATS transport so RpcClient can call it.
   */
  serve<C extends RpcContract<unknown, unknown>>(
    contract: C,
    handler: (request: RequestOf<C>) => Promise<ReplyOf<C>>,
    queue?: string,
  ): void {
    const subscription = this.nc.subscribe(this.subject(contract.subject), {
      queue,
      callback: (error, message) => {
        if (error) return this.logger.warn(`subscription error: ${error.message}`);
        void (async () => {
          const packet = json.decode(message.data) as { id?: string; data: RequestOf<C> };
          let reply: Record<string, unknown>;
          try {
            reply = { id: packet.id, response: await handler(packet.data), isDisposed: true };
          } catch (failure) {
            reply = { id: packet.id, err: remoteErrorOf(failure, this.logger), isDisposed: true };
          }
          if (message.reply) message.respond(json.encode(reply));
        })();
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Opens (creating if needed) a key-value bucket under this cloud's namespace. */
  async keyValue<T>(bucket: string, options: { history?: number; ttlMs?: number } = {}): Promise<JsonKv<T>> {
    const kv = await this.jetstream!.views.kv(this.streamName(bucket), {
      history: options.history ?? 1,
      ttl: options.ttlMs ?? 0,
    });
    return new JsonKv<T>(kv);
  }

  /**
   * Works through a stream with a durable consumer that every replica of the service shares, so each
   * message is handled by one replica only. A message is acknowledged once its handler resolved and
   * redelivered after `retryDelayMs` when the handler failed, up to `maxDeliver` times.
   */
  async consumeDurable<P>(
    stream: string,
    contract: EventContract<P>,
    durable: string,
    handler: (payload: P) => Promise<void>,
    { ackWaitMs = 30_000, maxDeliver = 5, retryDelayMs = 1_000 } = {},
  ): Promise<void> {
    const name = this.streamName(stream);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject(contract.subject),
      ack_wait: nanos(ackWaitMs),
      max_deliver: maxDeliver,
    };
    const existing = await this.manager!.consumers.info(name, durable).catch(() => undefined);
    if (existing) await this.manager!.consumers.update(name, durable, config);
    else await this.manager!.consumers.add(name, config);
    const messages = await (await this.jetstream!.consumers.get(name, durable)).consume();
    this.consumers.push(messages);
    void (async () => {
      for await (const message of messages) {
        let payload: P;
        try {
          payload = json.decode(message.data) as P;
        } catch (error) {
          this.logger.error(`dropping undecodable message on ${message.subject}: ${String(error)}`);
          message.term();
          continue;
        }
        // Handled concurrently: the handler orders work on one resource itself.
        void handler(payload).then(
          () => message.ack(),
          (error: unknown) => {
            this.logger.warn(`handling ${message.subject} failed, will retry: ${String(error)}`);
            message.nak(retryDelayMs);
          },
        );
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const c of this.consumers) await c.close().catch(() => undefined);
    for (const s of this.subscriptions) s.unsubscribe();
    if (this.connection && !this.connection.isClosed()) await this.connection.drain().catch(() => undefined);
  }
}

function remoteErrorOf(failure: unknown, logger: Logger): RemoteErrorPayload {
  if (failure instanceof DomainError) return failure.toRemote();
  logger.error(failure instanceof Error ? (failure.stack ?? failure.message) : String(failure));
  return { code: ErrorCode.Internal, message: 'The service failed to handle the request.', status: 500 };
}
