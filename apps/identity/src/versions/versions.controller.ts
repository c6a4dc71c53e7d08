import { Controller, Get, HttpCode, Req } from '@nestjs/common';
import { Public } from '@stratus/platform';
import type { Request } from 'express';
import { baseUrl } from '../common/keystone-http';

const V3_ID = 'v3.14';
const V3_UPDATED = '2020-04-07T00:00:00Z';

function v3Version(request: Request) {
  return {
    id: V3_ID,
    status: 'stable',
    updated: V3_UPDATED,
    links: [{ rel: 'self', href: `${baseUrl(request)}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

@Public()
@Controller()
export class VersionsController {
  /** Keystone answers the root with 300 Multiple Choices listing its API versions. */
  @Get()
  @HttpCode(300)
  versions(@Req() request: Request) {
    return { versions: { values: [v3Version(request)] } };
  }

  @Get('v3')
  v3(@Req() request: Request) {
    return { version: v3Version(request) };
  }
}
