import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, forbidden, policy } from '@stratus/platform';
import { z } from 'zod';
import {
  descriptionSchema,
  Links,
  nameSchema,
  parseBody,
  queryFlag,
  queryString,
  RequestLinks,
  tagsSchema,
} from '../common/keystone-http';
import { domainView } from '../common/views';
import { ResourceService } from '../projects/resource.service';

const domainBody = z.object({
  name: nameSchema,
  description: descriptionSchema,
  enabled: z.boolean().optional(),
  tags: tagsSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  explicit_domain_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
const createSchema = z.object({ domain: domainBody });
const updateSchema = z.object({ domain: domainBody.partial().omit({ explicit_domain_id: true }) });

@Controller('v3/domains')
export class DomainsController {
  constructor(private readonly resources: ResourceService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { domain } = parseBody(createSchema, body);
    const created = await this.resources.createDomain(domain, domain.explicit_domain_id);
    return { domain: domainView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const domains = await this.resources.listDomains({
      name: queryString(query.name),
      enabled: queryFlag(query.enabled),
    });
    return { domains: domains.map((d) => domainView(d, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    if (!auth.isAdmin && auth.domainId !== id) {
      const ownProjectDomain = auth.projectId
        ? (await this.resources.getProject(auth.projectId)).domainId
        : undefined;
      if (ownProjectDomain !== id) throw forbidden();
    }
    return { domain: domainView(await this.resources.getDomain(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { domain } = parseBody(updateSchema, body);
    return { domain: domainView(await this.resources.updateDomain(id, domain), links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.resources.deleteDomain(id);
  }
}
