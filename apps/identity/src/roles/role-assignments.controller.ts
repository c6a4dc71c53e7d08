import { Controller, Get, Query } from '@nestjs/common';
import { Auth, AuthContext, forbidden } from '@stratus/platform';
import { Links, queryFlag, queryString, RequestLinks } from '../common/keystone-http';
import { ResourceService } from '../projects/resource.service';
import { UsersService } from '../users/users.service';
import { AssignmentsService, ListedAssignment } from './assignments.service';

type Named = { id: string; name?: string; domain?: { id: string; name: string } };

@Controller('v3/role_assignments')
export class RoleAssignmentsController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly users: UsersService,
    private readonly resources: ResourceService,
  ) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    const filter = {
      userId: queryString(query['user.id']),
      groupId: queryString(query['group.id']),
      projectId: queryString(query['scope.project.id']),
      domainId: queryString(query['scope.domain.id']),
      system: queryString(query['scope.system']) !== undefined,
      roleId: queryString(query['role.id']),
      effective: queryFlag(query.effective) === true,
    };
    // Without admin, a user may list only their own assignments (optionally on their own project).
    if (!auth.isAdmin) {
      const own = filter.userId === auth.userId && (!filter.projectId || filter.projectId === auth.projectId);
      if (!own || filter.groupId) throw forbidden();
    }
    const found = await this.assignments.listAssignments(filter);
    const includeNames = queryFlag(query.include_names) === true;
    const inheritedOnly = queryString(query['scope.OS-INHERIT:inherited_to']) === 'projects';
    const chosen = inheritedOnly ? found.filter((a) => a.inherited) : found;
    const base = links.to('').self.replace(/\/$/, '');
    const rendered = await Promise.all(chosen.map((a) => this.render(a, includeNames, base)));
    return { role_assignments: rendered, links: links.collection };
  }

  private async render(a: ListedAssignment, includeNames: boolean, base: string) {
    const role: Named = { id: a.roleId };
    const actor: Named = { id: a.actorId };
    const target: Named = { id: a.targetId };
    if (includeNames) {
      role.name = (await this.assignments.getRole(a.roleId).catch(() => undefined))?.name;
      if (a.actorType === 'user') {
        const user = await this.users.getUser(a.actorId).catch(() => undefined);
        if (user) Object.assign(actor, { name: user.name, domain: await this.domainRef(user.domainId) });
      } else {
        const group = await this.users.getGroup(a.actorId).catch(() => undefined);
        if (group) Object.assign(actor, { name: group.name, domain: await this.domainRef(group.domainId) });
      }
      if (a.targetType === 'project') {
        const project = await this.resources.getProject(a.targetId).catch(() => undefined);
        if (project)
          Object.assign(target, { name: project.name, domain: await this.domainRef(project.domainId) });
      } else if (a.targetType === 'domain') {
        target.name = (await this.resources.getDomain(a.targetId).catch(() => undefined))?.name;
      }
    }
    const scope: Record<string, unknown> =
      a.targetType === 'system' ? { system: { all: true } } : { [a.targetType]: target };
    if (a.inherited) scope['OS-INHERIT:inherited_to'] = 'projects';
    const actorPath = a.viaGroupId ? `groups/${a.viaGroupId}` : `${a.actorType}s/${a.actorId}`;
    const targetPath =
      a.targetType === 'system' ? 'system' : `${a.targetType}s/${a.inheritedFromDomainId ?? a.targetId}`;
    const linkSet: Record<string, string> = {
      assignment: `${base}/${a.inherited || a.inheritedFromDomainId ? 'OS-INHERIT/' : ''}${targetPath}/${actorPath}/roles/${a.roleId}${a.inherited || a.inheritedFromDomainId ? '/inherited_to_projects' : ''}`,
    };
    if (a.viaGroupId) linkSet.membership = `${base}/groups/${a.viaGroupId}/users/${a.actorId}`;
    return { role, [a.actorType]: actor, scope, links: linkSet };
  }

  private async domainRef(id: string) {
    const domain = await this.resources.getDomain(id).catch(() => undefined);
    return { id, name: domain?.name ?? '' };
  }
}
