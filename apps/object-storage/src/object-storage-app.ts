import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@stratus/platform';
import type { Server } from 'node:http';
import type { ObjectStorageConfig } from './config/object-storage-config';
import { ObjectStorageModule } from './object-storage.module';
import { rejectUndecodablePaths, transIdHeaders } from './swift/trans-id';

/** The object storage service as a Nest app, not yet listening (main.ts and in-process tests both use it). */
export async function createObjectStorageApp(
  config: ObjectStorageConfig,
  options: { processMetrics?: boolean } = {},
): Promise<INestApplication> {
  const app = await createServiceApp(ObjectStorageModule.forRoot(config, options), {
    service: 'object-storage',
    config,
    errorStyle: 'swift',
    // Swift's metadata travels in headers and every body is read by the handlers themselves.
    jsonTypes: [],
  });
  app.use(transIdHeaders, rejectUndecodablePaths);
  // Large objects go up and down for far longer than Node's default 5-minute request timeout.
  const server = app.getHttpServer() as Server;
  server.requestTimeout = 0;
  // Clients keep pools of connections (swiftclient, requests): closing idle ones after Node's 5
  // seconds races their next request on them; load balancers idle out after 60 seconds.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 76_000;
  return app;
}
