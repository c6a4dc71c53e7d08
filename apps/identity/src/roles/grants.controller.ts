import { Controller, Delete, Get, Head, HttpCode, Param, Put } from '@nestjs/common';
import { Auth, AuthContext, notFound, policy } from '@stratus/platform';
import { Links, RequestLinks } from '../common/keystone-http';
import { roleView } from '../common/views';
import type { ActorType, TargetType } from '../persistence/identity.entities';
import { AssignmentsService, Grant, SYSTEM_TARGET_ID } from './assignments.service';

const TARGETS: Record<string, TargetType> = { projects: 'project', domains: 'domain' };
const ACTORS: Record<string, ActorType> = { users: 'user', groups: 'group' };

function grantOf(
  target: string,
  targetId: string,
  actor: string,
  actorId: string,
  roleId: string,
  inherited = false,
): Grant {
  const targetType = TARGETS[target];
  const actorType = ACTORS[actor];
  if (!targetType || !actorType) throw notFound('The resource could not be found.');
  return { targetType, targetId, actorType, actorId, roleId, inherited };
}

/**
 * Role grants: /v3/{projects|domains}/{id}/{users|groups}/{id}/roles[/{role}], the system-scope
 * form /v3/system/{users|groups}/{id}/roles/{role}, and OS-INHERIT grants on a domain's projects.
 */
@Controller('v3')
export class GrantsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get(':target/:targetId/:actor/:actorId/roles')
  async list(
    @Auth() auth: AuthContext,
    @Param('target') target: string,
    @Param('targetId') targetId: string,
    @Param('actor') actor: string,
    @Param('actorId') actorId: string,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const grant = grantOf(target, targetId, actor, actorId, '');
    const found = await this.assignments.listAssignments({
      [grant.actorType === 'user' ? 'userId' : 'groupId']: actorId,
      [grant.targetType === 'project' ? 'projectId' : 'domainId']: targetId,
    });
    const roles = await this.assignments.rolesById(found.filter((a) => !a.inherited).map((a) => a.roleId));
    return { roles: [...roles.values()].map((r) => roleView(r, links.to)), links: links.collection };
  }

  @Put(':target/:targetId/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async grant(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.grant(grantOf(p.target, p.targetId, p.actor, p.actorId, p.roleId));
  }

  @Head(':target/:targetId/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async check(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.requireGrant(grantOf(p.target, p.targetId, p.actor, p.actorId, p.roleId));
  }

  @Get(':target/:targetId/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async checkGet(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    return this.check(auth, p);
  }

  @Delete(':target/:targetId/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async revoke(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.revokeGrant(grantOf(p.target, p.targetId, p.actor, p.actorId, p.roleId));
  }

  @Put('system/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async grantSystem(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.grant(this.systemGrant(p));
  }

  @Head('system/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async checkSystem(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.requireGrant(this.systemGrant(p));
  }

  @Delete('system/:actor/:actorId/roles/:roleId')
  @HttpCode(204)
  async revokeSystem(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.revokeGrant(this.systemGrant(p));
  }

  @Put('OS-INHERIT/domains/:targetId/:actor/:actorId/roles/:roleId/inherited_to_projects')
  @HttpCode(204)
  async grantInherited(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.grant(grantOf('domains', p.targetId, p.actor, p.actorId, p.roleId, true));
  }

  @Delete('OS-INHERIT/domains/:targetId/:actor/:actorId/roles/:roleId/inherited_to_projects')
  @HttpCode(204)
  async revokeInherited(@Auth() auth: AuthContext, @Param() p: Record<string, string>): Promise<void> {
    policy.requireAdmin(auth);
    await this.assignments.revokeGrant(grantOf('domains', p.targetId, p.actor, p.actorId, p.roleId, true));
  }

  private systemGrant(p: Record<string, string>): Grant {
    const actorType = ACTORS[p.actor];
    if (!actorType) throw notFound('The resource could not be found.');
    return {
      targetType: 'system',
      targetId: SYSTEM_TARGET_ID,
      actorType,
      actorId: p.actorId,
      roleId: p.roleId,
      inherited: false,
    };
  }

  private async requireGrant(grant: Grant): Promise<void> {
    if (!(await this.assignments.hasGrant(grant))) {
      throw notFound(
        `Could not find role assignment with role: ${grant.roleId}, ${grant.actorType}: ${grant.actorId}.`,
      );
    }
  }
}
