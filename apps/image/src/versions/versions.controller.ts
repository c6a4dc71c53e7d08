import { Controller, Get, HttpCode, Inject, Req } from '@nestjs/common';
import { Public } from '@stratus/platform';
import type { Request } from 'express';
import { hostUrl } from '../common/glance-http';
import type { ImageConfig } from '../config/image-config';
import { IMAGE_CONFIG } from '../image.tokens';

/** The v2 minor versions Glance lists, newest (CURRENT) first. */
const V2_MINORS = Array.from({ length: 17 }, (_, i) => 16 - i);

@Public()
@Controller()
export class VersionsController {
  constructor(@Inject(IMAGE_CONFIG) private readonly config: ImageConfig) {}

  private versions(request: Request) {
    const url = hostUrl(request, this.config.IMAGE_PUBLIC_ENDPOINT);
    return {
      versions: V2_MINORS.map((minor) => ({
        id: `v2.${minor}`,
        status: minor === 16 ? 'CURRENT' : 'SUPPORTED',
        links: [{ rel: 'self', href: `${url}/v2/` }],
      })),
    };
  }

  /** Glance answers the root with 300 Multiple Choices, and /versions with 200. */
  @Get()
  @HttpCode(300)
  root(@Req() request: Request) {
    return this.versions(request);
  }

  @Get('versions')
  @HttpCode(200)
  list(@Req() request: Request) {
    return this.versions(request);
  }
}
