import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { NETWORK_PORT_STREAM, PortChange, PortChanged, PortRef } from '@stratus/contracts';
import { BusService } from '@stratus/platform';

/** How long port changes stay in the stream for an agent catching up after a restart. */
const RETENTION_MS = 24 * 3600 * 1000;

/**
 * Publishes port changes on JetStream. The database change is already committed when this runs,
 * so a failed publish is logged rather than turned into a failed request.
 */
@Injectable()
export class PortEventsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('PortEvents');

  constructor(private readonly bus: BusService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureStream(NETWORK_PORT_STREAM, [PortChanged], RETENTION_MS);
  }

  async publish(change: PortChange, port: PortRef): Promise<void> {
    try {
      await this.bus.publishDurable(PortChanged, { change, at: new Date().toISOString(), port });
    } catch (error) {
      this.logger.error(`port ${port.id} ${change}: event not published: ${String(error)}`);
    }
  }
}
