import type {
  ApplicationCredentialEntity,
  DomainEntity,
  EndpointEntity,
  GroupEntity,
  ProjectEntity,
  RegionEntity,
  RoleEntity,
  ServiceEntity,
  UserEntity,
} from '../persistence/identity.entities';

/** Builds the `links.self` of a resource from its path under /v3. */
export type LinkTo = (path: string) => { self: string };

export const domainView = (d: DomainEntity, link: LinkTo) => ({
  id: d.id,
  name: d.name,
  description: d.description ?? '',
  enabled: d.enabled,
  tags: d.tags,
  options: {},
  links: link(`domains/${d.id}`),
});

export const projectView = (p: ProjectEntity, link: LinkTo) => ({
  ...p.extra,
  id: p.id,
  name: p.name,
  domain_id: p.domainId,
  description: p.description ?? '',
  enabled: p.enabled,
  // Keystone reports a top-level project's domain as its parent.
  parent_id: p.parentId ?? p.domainId,
  is_domain: false,
  tags: p.tags,
  options: {},
  links: link(`projects/${p.id}`),
});

export const userView = (u: UserEntity, link: LinkTo) => {
  const view: Record<string, unknown> = {
    ...u.extra,
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    password_expires_at: null,
    options: {},
    links: link(`users/${u.id}`),
  };
  if (u.defaultProjectId) view.default_project_id = u.defaultProjectId;
  return view;
};

export const groupView = (g: GroupEntity, link: LinkTo) => ({
  id: g.id,
  name: g.name,
  domain_id: g.domainId,
  description: g.description ?? '',
  links: link(`groups/${g.id}`),
});

export const roleView = (r: RoleEntity, link: LinkTo) => ({
  id: r.id,
  name: r.name,
  domain_id: r.domainId || null,
  description: r.description,
  options: {},
  links: link(`roles/${r.id}`),
});

export const regionView = (r: RegionEntity, link: LinkTo) => ({
  id: r.id,
  description: r.description ?? '',
  parent_region_id: r.parentRegionId,
  links: link(`regions/${r.id}`),
});

export const serviceView = (s: ServiceEntity, link: LinkTo) => ({
  id: s.id,
  type: s.type,
  name: s.name ?? undefined,
  description: s.description ?? undefined,
  enabled: s.enabled,
  links: link(`services/${s.id}`),
});

export const endpointView = (e: EndpointEntity, link: LinkTo) => ({
  id: e.id,
  interface: e.interface,
  region: e.regionId,
  region_id: e.regionId,
  service_id: e.serviceId,
  url: e.url,
  enabled: e.enabled,
  links: link(`endpoints/${e.id}`),
});

export const applicationCredentialView = (c: ApplicationCredentialEntity, link: LinkTo) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  user_id: c.userId,
  project_id: c.projectId,
  roles: c.roles.map((r) => ({ id: r.id, name: r.name, domain_id: null })),
  expires_at: c.expiresAt ? c.expiresAt.toISOString().replace('Z', '') : null,
  unrestricted: c.unrestricted,
  access_rules: [],
  links: link(`users/${c.userId}/application_credentials/${c.id}`),
});
