import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, policy } from '@stratus/platform';
import { z } from 'zod';
import {
  descriptionSchema,
  Links,
  nameSchema,
  parseBody,
  queryString,
  RequestLinks,
} from '../common/keystone-http';
import { roleView } from '../common/views';
import { AssignmentsService } from './assignments.service';

const roleBody = z.object({
  name: nameSchema,
  description: descriptionSchema,
  domain_id: z.string().max(64).nullable().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

@Controller('v3/roles')
export class RolesController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { role } = parseBody(z.object({ role: roleBody }), body);
    const created = await this.assignments.createRole({
      name: role.name,
      description: role.description,
      domainId: role.domain_id,
    });
    return { role: roleView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const roles = await this.assignments.listRoles({
      name: queryString(query.name),
      domainId: queryString(query.domain_id),
    });
    return { roles: roles.map((r) => roleView(r, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    return { role: roleView(await this.assignments.getRole(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { role } = parseBody(z.object({ role: roleBody.partial().omit({ domain_id: true }) }), body);
    return { role: roleView(await this.assignments.updateRole(id, role), links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.deleteRole(id);
  }
}
