import { ServerNats } from '@nestjs/microservices';
import type { NatsOptions } from '@nestjs/microservices';
import type { Msg, NatsError } from 'nats';
import type { Histogram } from 'prom-client';

type NatsClientLike = Parameters<ServerNats['bindEvents']>[0];
type NatsSubscription = ReturnType<NatsClientLike['subscribe']>;

/**
 * Nest's NATS server, subscribing every @MessagePattern under the cloud's namespace with the
 * service's queue group, so replicas share the work and separate clouds on one NATS never meet.
 * On shutdown it leaves the queue groups first (NATS hands new requests to the other replicas) and
 * answers the requests it already took before closing the connection.
 */
export class NamespacedNatsServer extends ServerNats {
  private readonly namespacedSubscriptions: NatsSubscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private connection?: NatsClientLike;

  constructor(
    private readonly natsOptions: NonNullable<NatsOptions['options']>,
    private readonly namespace: string,
    private readonly graceMs = 10_000,
    private readonly handledLatency?: Histogram<'subject'>,
  ) {
    super(natsOptions);
  }

  override bindEvents(client: NatsClientLike): void {
    this.connection = client;
    for (const [pattern, handler] of this.messageHandlers) {
      const handle = this.getMessageHandler(pattern).bind(this);
      const subscription = client.subscribe(this.namespace ? `${this.namespace}.${pattern}` : pattern, {
        queue: (handler.extras?.queue as string | undefined) ?? this.natsOptions.queue,
        callback: (error: NatsError | null, message: Msg) => {
          const stop = this.handledLatency?.startTimer({ subject: pattern });
          const handled = Promise.resolve(handle(error, message));
          this.inFlight.add(handled);
          void handled
            .finally(() => {
              this.inFlight.delete(handled);
              stop?.();
            })
            .catch(() => undefined);
        },
      });
      this.namespacedSubscriptions.push(subscription);
    }
  }

  override async close(): Promise<void> {
    const subscriptions = this.namespacedSubscriptions.splice(0);
    await Promise.allSettled(subscriptions.map((subscription) => subscription.drain()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, this.graceMs))),
    ]);
    clearTimeout(timer);
    // Nest publishes a reply on the tick after its handler settles; send those before closing.
    await new Promise((resolve) => setImmediate(resolve));
    await this.connection?.flush().catch(() => undefined);
    await super.close();
  }
}
