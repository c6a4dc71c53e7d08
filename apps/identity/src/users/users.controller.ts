import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, forbidden, policy } from '@stratus/platform';
import { z } from 'zod';
import { Links, nameSchema, parseBody, queryFlag, queryString, RequestLinks } from '../common/keystone-http';
import { groupView, projectView, userView } from '../common/views';
import { ResourceService } from '../projects/resource.service';
import { AssignmentsService } from '../roles/assignments.service';
import { UsersService } from './users.service';

const KNOWN = ['name', 'domain_id', 'password', 'enabled', 'default_project_id', 'options', 'federated'];

const userBody = z
  .object({
    name: nameSchema,
    domain_id: z.string().max(64).optional(),
    password: z.string().max(4096).nullable().optional(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().max(64).nullable().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
const createSchema = z.object({ user: userBody });
const updateSchema = z.object({ user: userBody.partial() });
const passwordSchema = z.object({
  user: z.object({ password: z.string().min(1).max(4096), original_password: z.string().max(4096) }),
});

function extraOf(user: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(user).filter(([k]) => !KNOWN.includes(k)));
}

@Controller('v3/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly assignments: AssignmentsService,
    private readonly resources: ResourceService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { user } = parseBody(createSchema, body);
    const created = await this.users.createUser({
      name: user.name,
      domainId: user.domain_id,
      password: user.password,
      enabled: user.enabled,
      defaultProjectId: user.default_project_id,
      extra: extraOf(user),
    });
    return { user: userView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const users = await this.users.listUsers({
      name: queryString(query.name),
      domainId: queryString(query.domain_id),
      enabled: queryFlag(query.enabled),
    });
    return { users: users.map((u) => userView(u, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    requireSelfOrAdmin(auth, id);
    return { user: userView(await this.users.getUser(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { user } = parseBody(updateSchema, body);
    const updated = await this.users.updateUser(id, {
      name: user.name,
      domainId: user.domain_id,
      password: user.password,
      enabled: user.enabled,
      defaultProjectId: user.default_project_id,
      extra: extraOf(user),
    });
    return { user: userView(updated, links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.users.deleteUser(id);
  }

  @Post(':id/password')
  @HttpCode(204)
  async changePassword(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<void> {
    if (auth.userId !== id) throw forbidden();
    const { user } = parseBody(passwordSchema, body);
    await this.users.changePassword(id, user.original_password, user.password);
  }

  @Get(':id/groups')
  async groups(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    requireSelfOrAdmin(auth, id);
    await this.users.getUser(id);
    return {
      groups: (await this.users.groupsOf(id)).map((g) => groupView(g, links.to)),
      links: links.collection,
    };
  }

  @Get(':id/projects')
  async projects(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    requireSelfOrAdmin(auth, id);
    await this.users.getUser(id);
    const assignments = await this.assignments.listAssignments({ userId: id, effective: true });
    const ids = [...new Set(assignments.filter((a) => a.targetType === 'project').map((a) => a.targetId))];
    const projects = await Promise.all(ids.map((p) => this.resources.getProject(p)));
    return {
      projects: projects.sort((a, b) => a.name.localeCompare(b.name)).map((p) => projectView(p, links.to)),
      links: links.collection,
    };
  }
}

export function requireSelfOrAdmin(auth: AuthContext, userId: string): void {
  if (!auth.isAdmin && auth.userId !== userId) throw forbidden();
}
