import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@stratus/platform';
import type { Microversion } from '../common/microversion';
import type { LinkBuilder } from '../common/nova-request';
import { HostsService } from '../hosts/hosts.service';
import type { ServerViewContext } from './server-view';

/** Builds the per-request context server views need. */
@Injectable()
export class ServerViews {
  constructor(private readonly hosts: HostsService) {}

  context(auth: AuthContext, version: Microversion, links: LinkBuilder): ServerViewContext {
    return { version, isAdmin: auth.isAdmin, links, hostStatus: (host) => this.hosts.hostStatus(host) };
  }
}
