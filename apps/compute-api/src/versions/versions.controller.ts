import { Controller, Get } from '@nestjs/common';
import { Public } from '@stratus/platform';
import { Links, LinkBuilder } from '../common/nova-request';
import { MAX_MICROVERSION, MIN_MICROVERSION } from '../common/microversion';

function v21(links: LinkBuilder, detailed: boolean) {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: String(MAX_MICROVERSION),
    min_version: String(MIN_MICROVERSION),
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${links.base}/v2.1/` },
      ...(detailed ? [{ rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }] : []),
    ],
    ...(detailed
      ? {
          'media-types': [
            { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
          ],
        }
      : {}),
  };
}

/** The version documents clients discover microversion support from; no token needed. */
@Public()
@Controller()
export class VersionsController {
  @Get()
  versions(@Links() links: LinkBuilder) {
    return { versions: [v21(links, false)] };
  }

  @Get('v2.1')
  version(@Links() links: LinkBuilder) {
    return { version: v21(links, true) };
  }
}
