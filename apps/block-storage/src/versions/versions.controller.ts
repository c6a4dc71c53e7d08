import { Controller, Get, HttpCode, Req } from '@nestjs/common';
import { Public } from '@stratus/platform';
import type { Request } from 'express';
import { API_VERSION_UPDATED, MAX_API_VERSION, MIN_API_VERSION } from '../common/api-version';
import { requestInfo } from '../common/cinder-http';

function versionDocument(baseUrl: string) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: MAX_API_VERSION.toString(),
    min_version: MIN_API_VERSION.toString(),
    updated: API_VERSION_UPDATED,
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${baseUrl}/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

/** Version discovery: Cinder answers the root with 300 Multiple Choices and /v3 with its document. */
@Controller()
export class VersionsController {
  @Public()
  @Get()
  @HttpCode(300)
  versions(@Req() request: Request) {
    return { versions: [versionDocument(requestInfo(request).baseUrl)] };
  }

  @Public()
  @Get('v3')
  version(@Req() request: Request) {
    return { versions: [versionDocument(requestInfo(request).baseUrl)] };
  }
}
