import { ServerNats } from '@nestjs/microservices';
import type { NatsOptions } from '@nestjs/microservices';

type NatsClientLike = Parameters<ServerNats['bindEvents']>[0];
type NatsSubscription = ReturnType<NatsClientLike['subscribe']>;

/**
 * Nest's NATS server, subscribing every @MessagePattern under the cloud's namespace with the
 * service's queue group, so replicas share the work and separate clouds on one NATS never meet.
 */
export class NamespacedNatsServer extends ServerNats {
  private readonly namespacedSubscriptions: NatsSubscription[] = [];

  constructor(
    private readonly natsOptions: NonNullable<NatsOptions['options']>,
    private readonly namespace: string,
  ) {
    super(natsOptions);
  }

  override bindEvents(client: NatsClientLike): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const subscription = client.subscribe(this.namespace ? `${this.namespace}.${pattern}` : pattern, {
        queue: (handler.extras?.queue as string | undefined) ?? this.natsOptions.queue,
        callback: this.getMessageHandler(pattern).bind(this),
      });
      this.namespacedSubscriptions.push(subscription);
    }
  }

  override async close(): Promise<void> {
    for (const subscription of this.namespacedSubscriptions.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
