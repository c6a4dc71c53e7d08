import { BeforeApplicationShutdown, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { ReadinessChecks } from '../health/readiness';
import { HttpDrain, HttpDrainOptions } from './http-drain';

/**
 * Runs the HTTP drain when Nest shuts down (SIGTERM), before Nest closes the server itself, and
 * makes /readyz fail from the first moment of it.
 */
export class HttpShutdown implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('HttpShutdown');
  private readonly drain: HttpDrain;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    readiness: ReadinessChecks,
    options: HttpDrainOptions,
  ) {
    this.drain = new HttpDrain(options);
    readiness.register({ name: 'serving', isReady: () => !this.drain.isDraining });
  }

  onModuleInit(): void {
    const server = this.server();
    if (server) this.drain.attach(server);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server();
    if (!server?.listening) return;
    this.logger.log('draining HTTP connections');
    const { cut } = await this.drain.drain(server);
    if (cut > 0) this.logger.warn(`${cut} request(s) still running after the grace period were cut`);
  }

  /** Absent when the module runs without HTTP (an application context in a test). */
  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
