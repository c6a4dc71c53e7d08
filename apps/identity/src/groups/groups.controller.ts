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
import { Auth, AuthContext, notFound, policy } from '@stratus/platform';
import { z } from 'zod';
import {
  descriptionSchema,
  Links,
  nameSchema,
  parseBody,
  queryString,
  RequestLinks,
} from '../common/keystone-http';
import { groupView, userView } from '../common/views';
import { UsersService } from '../users/users.service';

const groupBody = z.object({
  name: nameSchema,
  domain_id: z.string().max(64).optional(),
  description: descriptionSchema,
});
const createSchema = z.object({ group: groupBody });
const updateSchema = z.object({ group: groupBody.partial() });

@Controller('v3/groups')
export class GroupsController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { group } = parseBody(createSchema, body);
    const created = await this.users.createGroup({
      name: group.name,
      domainId: group.domain_id,
      description: group.description,
    });
    return { group: groupView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const groups = await this.users.listGroups({
      name: queryString(query.name),
      domainId: queryString(query.domain_id),
    });
    return { groups: groups.map((g) => groupView(g, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    return { group: groupView(await this.users.getGroup(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { group } = parseBody(updateSchema, body);
    const updated = await this.users.updateGroup(id, {
      name: group.name,
      domainId: group.domain_id,
      description: group.description,
    });
    return { group: groupView(updated, links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.users.deleteGroup(id);
  }

  @Get(':id/users')
  async members(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    return {
      users: (await this.users.groupMembers(id)).map((u) => userView(u, links.to)),
      links: links.collection,
    };
  }

  @Put(':id/users/:userId')
  @HttpCode(204)
  async addMember(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    policy.requireAdmin(auth);
    await this.users.addToGroup(id, userId);
  }

  @Head(':id/users/:userId')
  @HttpCode(204)
  async checkMember(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    policy.requireAdmin(auth);
    if (!(await this.users.isInGroup(id, userId)))
      throw notFound(`User '${userId}' not found in group '${id}'.`);
  }

  @Delete(':id/users/:userId')
  @HttpCode(204)
  async removeMember(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    policy.requireAdmin(auth);
    await this.users.removeFromGroup(id, userId);
  }
}
