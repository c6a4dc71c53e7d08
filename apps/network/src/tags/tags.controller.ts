import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { Auth, AuthContext, notFound } from '@stratus/platform';
import { z } from 'zod';
import { Actor, memberOf, owns, readerOf } from '../common/actor';
import { parseAttributes, tagField, tagsField } from '../common/neutron-body';
import { policyNotAuthorized, tagNotFound } from '../common/neutron-errors';
import { FloatingIpsService } from '../floating-ips/floating-ips.service';
import { NetworksService } from '../networks/networks.service';
import { PortsService } from '../ports/ports.service';
import { RoutersService } from '../routers/routers.service';
import { SecurityGroupsService } from '../security-groups/security-groups.service';
import { SubnetsService } from '../subnets/subnets.service';
import { TagsService } from './tags.service';

const replaceSchema = z.object({ tags: tagsField }).strict();

/** standard-attr-tag: tags on networks, subnets, ports, routers, security groups and floating IPs. */
@Controller('v2.0/:collection/:id/tags')
export class TagsController {
  private readonly owners: Record<string, (actor: Actor, id: string) => Promise<{ projectId: string }>>;

  constructor(
    private readonly tags: TagsService,
    networks: NetworksService,
    subnets: SubnetsService,
    ports: PortsService,
    routers: RoutersService,
    securityGroups: SecurityGroupsService,
    floatingIps: FloatingIpsService,
  ) {
    this.owners = {
      networks: (actor, id) => networks.find(actor, id),
      subnets: (actor, id) => subnets.find(actor, id),
      ports: (actor, id) => ports.find(actor, id),
      routers: (actor, id) => routers.find(actor, id),
      'security-groups': (actor, id) => securityGroups.find(actor, id),
      floatingips: (actor, id) => floatingIps.find(actor, id),
    };
  }

  /** Reading needs the resource to be visible; changing its tags needs it to be the caller's. */
  private async resource(actor: Actor, collection: string, id: string, write: boolean): Promise<void> {
    const owner = this.owners[collection];
    if (!owner) throw notFound(`The resource could not be found.`);
    const resource = await owner(actor, id);
    if (write && !owns(actor, resource.projectId)) throw policyNotAuthorized(`update_${collection}_tags`);
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Param('collection') collection: string, @Param('id') id: string) {
    await this.resource(readerOf(auth), collection, id, false);
    return { tags: await this.tags.of(id) };
  }

  @Put()
  async replace(
    @Auth() auth: AuthContext,
    @Param('collection') collection: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    await this.resource(memberOf(auth), collection, id, true);
    const { tags } = parseAttributes(replaceSchema, body);
    return { tags: await this.tags.replaceAll(id, tags) };
  }

  @Delete()
  @HttpCode(204)
  async clear(@Auth() auth: AuthContext, @Param('collection') collection: string, @Param('id') id: string) {
    await this.resource(memberOf(auth), collection, id, true);
    await this.tags.replaceAll(id, []);
  }

  @Get(':tag')
  @HttpCode(204)
  async check(
    @Auth() auth: AuthContext,
    @Param('collection') collection: string,
    @Param('id') id: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    await this.resource(readerOf(auth), collection, id, false);
    if (!(await this.tags.of(id)).includes(tag)) throw tagNotFound(tag);
  }

  @Put(':tag')
  @HttpCode(201)
  async add(
    @Auth() auth: AuthContext,
    @Param('collection') collection: string,
    @Param('id') id: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    await this.resource(memberOf(auth), collection, id, true);
    parseAttributes(z.object({ tag: tagField }), { tag });
    await this.tags.add(id, tag);
  }

  @Delete(':tag')
  @HttpCode(204)
  async remove(
    @Auth() auth: AuthContext,
    @Param('collection') collection: string,
    @Param('id') id: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    await this.resource(memberOf(auth), collection, id, true);
    if (!(await this.tags.remove(id, tag))) throw tagNotFound(tag);
  }
}
