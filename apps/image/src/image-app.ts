import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@stratus/platform';
import type { Server } from 'node:http';
import type { ImageConfig } from './config/image-config';
import { ImageModule } from './image.module';

/** The media types parsed as JSON; image data (application/octet-stream) stays a stream. */
export const IMAGE_JSON_TYPES = [
  'application/json',
  'application/openstack-images-v2.1-json-patch',
  'application/openstack-images-v2.0-json-patch',
];

/** The image service as a Nest app, not yet listening (main.ts and in-process tests both use it). */
export async function createImageApp(
  config: ImageConfig,
  options: { processMetrics?: boolean } = {},
): Promise<INestApplication> {
  const app = await createServiceApp(ImageModule.forRoot(config, options), {
    service: 'image',
    config,
    errorStyle: 'glance',
    jsonTypes: IMAGE_JSON_TYPES,
  });
  // An image upload or download can take far longer than Node's default 5-minute request timeout.
  const server = app.getHttpServer() as Server;
  server.requestTimeout = 0;
  return app;
}
