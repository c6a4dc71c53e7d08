import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { ServerGroupPolicy } from '@stratus/contracts';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { parseBody, queryFlag, queryString } from '../common/nova-input';
import { ApiVersion } from '../common/nova-request';
import { nameParam } from '../common/nova-schemas';
import { ServerGroupsService, ServerGroupWithMembers } from './server-groups.service';

function createSchema(version: Microversion) {
  const policies = version.atLeast('2.15')
    ? (['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const)
    : (['affinity', 'anti-affinity'] as const);
  return z
    .object({
      server_group: z.object({ name: nameParam, policies: z.array(z.enum(policies)).length(1) }).strict(),
    })
    .strict();
}

function view({ group, members }: ServerGroupWithMembers, version: Microversion) {
  return {
    id: group.id,
    name: group.name,
    policies: [group.policy],
    members,
    metadata: {},
    ...(version.atLeast('2.13') ? { project_id: group.projectId, user_id: group.userId } : {}),
  };
}

function nonNegative(value: unknown, name: string): number | undefined {
  const text = queryString(value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`${name} param must be an integer`);
  return Number(text);
}

@Controller('v2.1/os-server-groups')
export class ServerGroupsController {
  constructor(private readonly groups: ServerGroupsService) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
  ) {
    const projectId = computePolicy.reader(auth, 'os_compute_api:os-server-groups:index');
    const all = auth.isAdmin && queryFlag(query.all_projects);
    const offset = nonNegative(query.offset, 'offset') ?? 0;
    const limit = nonNegative(query.limit, 'limit');
    const groups = (await this.groups.list(all ? null : projectId)).slice(
      offset,
      limit ? offset + limit : undefined,
    );
    return { server_groups: groups.map((g) => view(g, version)) };
  }

  @Get(':id')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @ApiVersion() version: Microversion) {
    const projectId = computePolicy.reader(auth, 'os_compute_api:os-server-groups:show');
    return { server_group: view(await this.groups.get(id, auth.isAdmin ? null : projectId), version) };
  }

  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @ApiVersion() version: Microversion) {
    const projectId = computePolicy.member(auth, 'os_compute_api:os-server-groups:create');
    const { server_group } = parseBody(createSchema(version), body);
    const created = await this.groups.create({
      projectId,
      userId: auth.userId,
      name: server_group.name,
      policy: server_group.policies[0] as ServerGroupPolicy,
      rules: {},
    });
    return { server_group: view(created, version) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    const projectId = computePolicy.member(auth, 'os_compute_api:os-server-groups:delete');
    await this.groups.delete(id, auth.isAdmin ? null : projectId);
  }
}
