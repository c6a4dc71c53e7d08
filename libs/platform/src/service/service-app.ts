import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LevelWithSilent } from 'pino';
import { NamespacedNatsServer } from '../bus/namespaced-nats.server';
import type { PlatformConfig } from '../config/platform-config';
import type { ErrorStyle } from '../errors/error-style';
import { MetricsRegistry } from '../health/metrics.registry';
import { jsonBody } from '../http/json-body.middleware';
import { requestMetrics } from '../http/request-metrics.middleware';
import { PinoLogger } from '../logging/pino-logger';

export interface ServiceAppOptions {
  service: string;
  config: PlatformConfig;
  errorStyle: ErrorStyle;
  /** Media types parsed as JSON; an empty list leaves every body a stream for the service to read. */
  jsonTypes?: string[];
  bodyLimit?: string;
}

/**
 * Builds a hybrid Nest app: the OpenStack HTTP API and the service's NATS handlers (queue group
 * named after the service, so replicas share requests). The caller decides where it listens.
 */
export async function createServiceApp(
  module: Type<unknown> | DynamicModule,
  options: ServiceAppOptions,
): Promise<INestApplication> {
  const logger = new PinoLogger(options.service, options.config.LOG_LEVEL as LevelWithSilent);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    logger,
    forceCloseConnections: false,
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  const metrics = app.get(MetricsRegistry);
  app.use(requestMetrics(metrics));
  const jsonTypes = options.jsonTypes ?? ['application/json', 'application/*+json'];
  // body-parser reads an empty type list as "every type", so none means no parser at all.
  if (jsonTypes.length > 0) {
    app.use(jsonBody(options.errorStyle, { limit: options.bodyLimit ?? '1mb', types: jsonTypes }));
  }
  app.connectMicroservice(
    {
      strategy: new NamespacedNatsServer(
        { servers: options.config.NATS_URL, queue: options.service, name: `${options.service}-rpc-server` },
        options.config.NATS_NAMESPACE,
        options.config.SHUTDOWN_GRACE_SECONDS * 1000,
        metrics.histogram('stratus_rpc_handled_duration_seconds', 'NATS requests this replica answered', [
          'subject',
        ]),
      ),
    },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  return app;
}
