import {
  Body,
  Controller,
  Delete,
  Get,
  Head,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { Auth, AuthContext, forbidden, notFound, policy } from '@stratus/platform';
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
import { projectView } from '../common/views';
import { ResourceService } from './resource.service';

const KNOWN = ['name', 'domain_id', 'parent_id', 'description', 'enabled', 'is_domain', 'tags', 'options'];

const projectBody = z
  .object({
    name: nameSchema,
    domain_id: z.string().max(64).nullable().optional(),
    parent_id: z.string().max(64).nullable().optional(),
    description: descriptionSchema,
    enabled: z.boolean().optional(),
    is_domain: z.literal(false).optional(),
    tags: tagsSchema.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
const createSchema = z.object({ project: projectBody });
const updateSchema = z.object({ project: projectBody.partial() });
const tagsBody = z.object({ tags: tagsSchema });

/** Keystone keeps unknown project attributes as "extra" and returns them. */
function extraOf(project: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(project).filter(([k]) => !KNOWN.includes(k)));
}

@Controller('v3/projects')
export class ProjectsController {
  constructor(private readonly resources: ResourceService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { project } = parseBody(createSchema, body);
    const created = await this.resources.createProject({
      name: project.name,
      domainId: project.domain_id ?? undefined,
      parentId: project.parent_id,
      description: project.description,
      enabled: project.enabled,
      tags: project.tags,
      extra: extraOf(project),
    });
    return { project: projectView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const projects = await this.resources.listProjects({
      name: queryString(query.name),
      domainId: queryString(query.domain_id),
      enabled: queryFlag(query.enabled),
      parentId: queryString(query.parent_id),
    });
    return { projects: projects.map((p) => projectView(p, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    this.requireReadable(auth, id);
    return { project: projectView(await this.resources.getProject(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { project } = parseBody(updateSchema, body);
    const updated = await this.resources.updateProject(id, {
      name: project.name,
      domainId: project.domain_id ?? undefined,
      description: project.description,
      enabled: project.enabled,
      tags: project.tags,
      extra: extraOf(project),
    });
    return { project: projectView(updated, links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.resources.deleteProject(id);
  }

  @Get(':id/tags')
  async tags(@Auth() auth: AuthContext, @Param('id') id: string) {
    this.requireReadable(auth, id);
    return { tags: (await this.resources.getProject(id)).tags };
  }

  @Put(':id/tags')
  async replaceTags(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    policy.requireAdmin(auth);
    const { tags } = parseBody(tagsBody, body);
    return { tags: (await this.resources.updateProject(id, { tags: [...new Set(tags)] })).tags };
  }

  @Delete(':id/tags')
  @HttpCode(204)
  async clearTags(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.resources.updateProject(id, { tags: [] });
  }

  @Get(':id/tags/:tag')
  @HttpCode(204)
  async hasTag(@Auth() auth: AuthContext, @Param('id') id: string, @Param('tag') tag: string): Promise<void> {
    this.requireReadable(auth, id);
    if (!(await this.resources.getProject(id)).tags.includes(tag)) throw notFound(`Tag ${tag} not found.`);
  }

  @Head(':id/tags/:tag')
  @HttpCode(204)
  headTag(@Auth() auth: AuthContext, @Param('id') id: string, @Param('tag') tag: string): Promise<void> {
    return this.hasTag(auth, id, tag);
  }

  @Put(':id/tags/:tag')
  @HttpCode(201)
  async addTag(@Auth() auth: AuthContext, @Param('id') id: string, @Param('tag') tag: string): Promise<void> {
    policy.requireAdmin(auth);
    parseBody(tagsSchema, [tag]);
    const project = await this.resources.getProject(id);
    if (!project.tags.includes(tag)) await this.resources.updateProject(id, { tags: [...project.tags, tag] });
  }

  @Delete(':id/tags/:tag')
  @HttpCode(204)
  async removeTag(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    policy.requireAdmin(auth);
    const project = await this.resources.getProject(id);
    if (!project.tags.includes(tag)) throw notFound(`Tag ${tag} not found.`);
    await this.resources.updateProject(id, { tags: project.tags.filter((t) => t !== tag) });
  }

  /** A project's own members may read it; nobody else but an admin learns it exists. */
  private requireReadable(auth: AuthContext, id: string): void {
    if (!auth.isAdmin && auth.projectId !== id) throw forbidden();
  }
}
