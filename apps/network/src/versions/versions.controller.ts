import { Controller, Get, Param, Req } from '@nestjs/common';
import { Auth, AuthContext, notFound, Public } from '@stratus/platform';
import type { Request } from 'express';
import { readerOf } from '../common/actor';
import { baseUrl } from '../common/neutron-http';
import { EXTENSIONS } from './extensions';

const CORE_RESOURCES = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['port', 'ports'],
];

@Controller()
export class VersionsController {
  /** Clients discover the API from the endpoint root; Neutron answers 200 with one CURRENT version. */
  @Public()
  @Get()
  versions(@Req() request: Request) {
    return {
      versions: [
        { id: 'v2.0', status: 'CURRENT', links: [{ href: `${baseUrl(request)}/v2.0/`, rel: 'self' }] },
      ],
    };
  }

  @Public()
  @Get('v2.0')
  resources(@Req() request: Request) {
    return {
      resources: CORE_RESOURCES.map(([name, collection]) => ({
        name,
        collection,
        links: [{ href: `${baseUrl(request)}/v2.0/${collection}`, rel: 'self' }],
      })),
    };
  }

  @Get('v2.0/extensions')
  extensions(@Auth() auth: AuthContext) {
    readerOf(auth);
    return { extensions: EXTENSIONS };
  }

  @Get('v2.0/extensions/:alias')
  extension(@Auth() auth: AuthContext, @Param('alias') alias: string) {
    readerOf(auth);
    const found = EXTENSIONS.find((e) => e.alias === alias);
    if (!found) throw notFound(`Extension with alias ${alias} does not exist`);
    return { extension: found };
  }
}
