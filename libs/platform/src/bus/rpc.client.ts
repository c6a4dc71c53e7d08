import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import { ErrorCode, isRemoteErrorPayload, ReplyOf, RequestOf, RpcContract } from '@stratus/contracts';
import { Histogram } from 'prom-client';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { BusService } from './bus.service';
import { MetricsRegistry } from '../health/metrics.registry';

export interface RpcClientOptions {
  url: string;
  name: string;
  defaultTimeoutMs: number;
}

/**
 * Sends request/reply messages to other services. Every call has a timeout; a remote domain
 * error comes back as the same DomainError, and silence as a 504 Timeout, never a hang.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly logger = new Logger('Rpc');
  private readonly client: ClientNats;
  private readonly latency: Histogram<'subject' | 'outcome'>;

  constructor(
    private readonly options: RpcClientOptions,
    private readonly bus: BusService,
    metrics: MetricsRegistry,
  ) {
    this.client = new ClientNats({
      servers: options.url,
      name: `${options.name}-rpc`,
      maxReconnectAttempts: -1,
    });
    this.latency = metrics.histogram('stratus_rpc_request_duration_seconds', 'NATS request/reply latency', [
      'subject',
      'outcome',
    ]);
  }

  async request<C extends RpcContract<unknown, unknown>>(
    contract: C,
    payload: RequestOf<C>,
    timeoutMs = this.options.defaultTimeoutMs,
  ): Promise<ReplyOf<C>> {
    const stop = this.latency.startTimer({ subject: contract.subject });
    try {
      const reply = await firstValueFrom(
        this.client.send<ReplyOf<C>>(this.bus.subject(contract.subject), payload).pipe(timeout(timeoutMs)),
      );
      stop({ outcome: 'ok' });
      return reply;
    } catch (error) {
      stop({ outcome: 'error' });
      throw this.rebuild(contract.subject, error);
    }
  }

  private rebuild(subject: string, error: unknown): DomainError {
    if (isRemoteErrorPayload(error)) return DomainError.fromRemote(error);
    if (error instanceof TimeoutError) {
      return new DomainError(ErrorCode.Timeout, `No answer from ${subject} in time.`);
    }
    const text = error instanceof Error ? error.message : String(error);
    if (text.includes('503') || text.toLowerCase().includes('no responders')) {
      return new DomainError(ErrorCode.Unavailable, `No service answers ${subject}.`);
    }
    this.logger.error(`request on ${subject} failed: ${text}`);
    return new DomainError(ErrorCode.Unavailable, `Request on ${subject} failed.`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
