import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  chunks,
  conflict,
  findForUpdate,
  isForeignKeyViolation,
  isUniqueViolation,
  withTransientRetry,
} from '@stratus/platform';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import { securityGroupNotFound, securityGroupRuleNotFound } from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import {
  DefaultSecurityGroupEntity,
  PortSecurityGroupEntity,
  SecurityGroupEntity,
  SecurityGroupRuleEntity,
} from '../persistence/network.entities';
import { QuotasService } from '../quotas/quotas.service';
import { TagsService } from '../tags/tags.service';
import { NormalisedRule, normaliseRule, ruleFingerprint } from './rule-validation';
import type {
  SecurityGroupCreate,
  SecurityGroupRuleCreate,
  SecurityGroupUpdate,
} from './security-group.schemas';
import { ruleView, securityGroupView } from './security-group.view';

export const SECURITY_GROUP_LIST_SPEC: ListSpec = {
  alias: 'g',
  attributes: {
    id: { sql: 'g.id', type: 'string' },
    name: { sql: 'g.name', type: 'string' },
    description: { sql: 'g.description', type: 'string' },
    project_id: { sql: 'g.project_id', type: 'string' },
    stateful: { sql: 'g.stateful', type: 'boolean' },
    revision_number: { sql: 'g.revision_number', type: 'integer' },
    created_at: { sql: 'g.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'g.updated_at', type: 'string', sortOnly: true },
  },
  tagged: true,
  notFound: securityGroupNotFound,
};

export const SECURITY_GROUP_RULE_LIST_SPEC: ListSpec = {
  alias: 'r',
  attributes: {
    id: { sql: 'r.id', type: 'string' },
    project_id: { sql: 'r.project_id', type: 'string' },
    security_group_id: { sql: 'r.security_group_id', type: 'string' },
    direction: { sql: 'r.direction', type: 'string' },
    ethertype: { sql: 'r.ethertype', type: 'string' },
    protocol: { sql: "COALESCE(r.protocol, '')", type: 'string' },
    port_range_min: { sql: 'COALESCE(r.port_range_min, -1)', type: 'integer' },
    port_range_max: { sql: 'COALESCE(r.port_range_max, -1)', type: 'integer' },
    remote_ip_prefix: { sql: "COALESCE(r.remote_ip_prefix, '')", type: 'string' },
    remote_group_id: { sql: "COALESCE(r.remote_group_id, '')", type: 'string' },
    description: { sql: 'r.description', type: 'string' },
    revision_number: { sql: 'r.revision_number', type: 'integer' },
    created_at: { sql: 'r.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'r.updated_at', type: 'string', sortOnly: true },
  },
  notFound: securityGroupRuleNotFound,
};

const DEFAULT_NAME = 'default';
const KNOWN_DEFAULTS_LIMIT = 10_000;

/** Neutron's egress rules on every new group: everything out, both families. */
const EGRESS_RULES: NormalisedRule[] = (['IPv4', 'IPv6'] as const).map((ethertype) =>
  normaliseRule({ direction: 'egress', ethertype }),
);

/** Security groups and rules, with a `default` group per project created on first use. */
@Injectable()
export class SecurityGroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
  ) {}

  private readonly knownDefaults = new Map<string, string>();

  visibleQuery(actor: Actor, manager = this.dataSource.manager): SelectQueryBuilder<SecurityGroupEntity> {
    const qb = manager.createQueryBuilder(SecurityGroupEntity, 'g');
    if (!actor.isAdmin) qb.where('g.project_id = :actorProject', { actorProject: actor.projectId ?? '' });
    return qb;
  }

  async find(actor: Actor, id: string, manager?: EntityManager): Promise<SecurityGroupEntity> {
    const group = await this.visibleQuery(actor, manager).andWhere('g.id = :id', { id }).getOne();
    if (!group) throw securityGroupNotFound(id);
    return group;
  }

  /**
   * The project's default group, made with Neutron's default rules the first time anyone needs it.
   * Every port creation asks, so ids already seen are remembered; one deleted since then (by an
   * admin, perhaps through another replica) fails the port's foreign key and is forgotten.
   */
  async ensureDefault(projectId: string): Promise<string> {
    const known = this.knownDefaults.get(projectId);
    if (known) return known;
    const id = await this.findOrCreateDefault(projectId);
    if (this.knownDefaults.size >= KNOWN_DEFAULTS_LIMIT) this.knownDefaults.clear();
    this.knownDefaults.set(projectId, id);
    return id;
  }

  forgetDefault(projectId: string): void {
    this.knownDefaults.delete(projectId);
  }

  /** The default_security_group primary key decides between replicas racing to make the group. */
  private async findOrCreateDefault(projectId: string): Promise<string> {
    const existing = await this.dataSource.manager.findOne(DefaultSecurityGroupEntity, {
      where: { projectId },
    });
    if (existing) return existing.securityGroupId;
    const group = this.newGroup(projectId, DEFAULT_NAME, 'Default security group', true);
    const rules = [
      ...EGRESS_RULES,
      ...(['IPv4', 'IPv6'] as const).map((ethertype) =>
        normaliseRule({ direction: 'ingress', ethertype, remote_group_id: group.id }),
      ),
    ];
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(SecurityGroupEntity, group);
        await manager.insert(
          SecurityGroupRuleEntity,
          rules.map((rule) => this.newRule(projectId, group.id, rule, '')),
        );
        await manager.insert(DefaultSecurityGroupEntity, { projectId, securityGroupId: group.id });
      });
      return group.id;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.dataSource.manager.findOneOrFail(DefaultSecurityGroupEntity, {
        where: { projectId },
      });
      return winner.securityGroupId;
    }
  }

  private newGroup(
    projectId: string,
    name: string,
    description: string,
    stateful: boolean,
  ): SecurityGroupEntity {
    const now = nowSeconds();
    return {
      id: newId(),
      projectId,
      name,
      description,
      stateful,
      revisionNumber: 1,
      createdAt: now,
      updatedAt: now,
    };
  }

  private newRule(
    projectId: string,
    groupId: string,
    rule: NormalisedRule,
    description: string,
  ): SecurityGroupRuleEntity {
    const now = nowSeconds();
    return {
      id: newId(),
      projectId,
      securityGroupId: groupId,
      direction: rule.direction,
      ethertype: rule.ethertype,
      protocol: rule.protocol,
      portRangeMin: rule.portRangeMin,
      portRangeMax: rule.portRangeMax,
      remoteIpPrefix: rule.remoteIpPrefix,
      remoteGroupId: rule.remoteGroupId,
      description,
      fingerprint: ruleFingerprint(rule),
      revisionNumber: 1,
      createdAt: now,
      updatedAt: now,
    };
  }

  async rulesOf(
    groupIds: readonly string[],
    manager = this.dataSource.manager,
  ): Promise<Map<string, SecurityGroupRuleEntity[]>> {
    const byGroup = new Map<string, SecurityGroupRuleEntity[]>(groupIds.map((id) => [id, []]));
    for (const batch of chunks([...new Set(groupIds)])) {
      const rules = await manager.find(SecurityGroupRuleEntity, {
        where: { securityGroupId: In(batch) },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      for (const rule of rules) byGroup.get(rule.securityGroupId)?.push(rule);
    }
    return byGroup;
  }

  private async views(groups: SecurityGroupEntity[]) {
    const ids = groups.map((g) => g.id);
    const [rules, tags] = await Promise.all([this.rulesOf(ids), this.tags.load(ids)]);
    return groups.map((g) => securityGroupView(g, rules.get(g.id) ?? [], tags.get(g.id) ?? []));
  }

  async get(actor: Actor, id: string) {
    const [view] = await this.views([await this.find(actor, id)]);
    return view;
  }

  async list(actor: Actor, request: ListRequest) {
    if (actor.projectId) await this.ensureDefault(actor.projectId);
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, SECURITY_GROUP_LIST_SPEC, params);
    const page = await fetchPage(qb, request, SECURITY_GROUP_LIST_SPEC, params);
    return { views: await this.views(page.rows), page };
  }

  async create(actor: Actor, input: SecurityGroupCreate) {
    const projectId = targetProject(actor, input);
    await this.ensureDefault(projectId);
    if (input.name === DEFAULT_NAME) {
      throw conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
    }
    const group = this.newGroup(projectId, input.name ?? '', input.description ?? '', input.stateful ?? true);
    const rules = EGRESS_RULES.map((rule) => this.newRule(projectId, group.id, rule, ''));
    const tags = await this.dataSource.transaction(async (manager) => {
      await this.quotas.check(manager, projectId, 'security_group');
      await manager.insert(SecurityGroupEntity, group);
      await manager.insert(SecurityGroupRuleEntity, rules);
      return this.tags.initial(manager, group.id, input.tags ?? []);
    });
    return securityGroupView(group, rules, tags);
  }

  async update(actor: Actor, id: string, input: SecurityGroupUpdate, ifMatch?: number) {
    await this.find(actor, id);
    const group = await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, SecurityGroupEntity, id);
      if (!current) throw securityGroupNotFound(id);
      checkRevision(ifMatch, current.revisionNumber);
      const isDefault = await this.isDefault(manager, current);
      if (
        input.name !== undefined &&
        input.name !== current.name &&
        (isDefault || input.name === DEFAULT_NAME)
      ) {
        throw conflict('Updating default security group not allowed.', 'SecurityGroupCannotUpdateDefault');
      }
      const next: SecurityGroupEntity = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        stateful: input.stateful ?? current.stateful,
        revisionNumber: current.revisionNumber + 1,
        updatedAt: nowSeconds(),
      };
      await manager.save(SecurityGroupEntity, next);
      return next;
    });
    const [view] = await this.views([group]);
    return view;
  }

  private async isDefault(manager: EntityManager, group: SecurityGroupEntity): Promise<boolean> {
    return manager.exists(DefaultSecurityGroupEntity, { where: { securityGroupId: group.id } });
  }

  /** A group some port uses is 409 SecurityGroupInUse; the port binding's foreign key settles races. */
  async delete(actor: Actor, id: string): Promise<void> {
    const group = await this.find(actor, id);
    if (!actor.isAdmin && (await this.isDefault(this.dataSource.manager, group))) {
      throw conflict(
        'Insufficient rights for removing default security group.',
        'SecurityGroupCannotRemoveDefault',
      );
    }
    const inUse = conflict(`Security Group ${id} in use.`, 'SecurityGroupInUse');
    try {
      await this.dataSource.transaction(async (manager) => {
        if (await manager.exists(PortSecurityGroupEntity, { where: { securityGroupId: id } })) throw inUse;
        await this.tags.removeAll(manager, id);
        await manager.delete(SecurityGroupEntity, { id });
      });
      this.forgetDefault(group.projectId);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw inUse;
      throw error;
    }
  }

  /**
   * Groups named for a new port of the project, by id or (for callers over the bus, as Nova
   * does) by name; each must be the project's own.
   */
  async resolveForProject(projectId: string, requested: string[]): Promise<string[]> {
    const unique = [...new Set(requested)];
    if (unique.length === 0) return [];
    if (unique.includes(DEFAULT_NAME)) await this.ensureDefault(projectId);
    const groups = await this.dataSource.manager
      .createQueryBuilder(SecurityGroupEntity, 'g')
      .where('g.project_id = :projectId AND (g.id IN (:...ids) OR g.name IN (:...ids))', {
        projectId,
        ids: unique,
      })
      .getMany();
    return unique.map((wanted) => {
      const byId = groups.find((g) => g.id === wanted);
      if (byId) return byId.id;
      const byName = groups.filter((g) => g.name === wanted);
      if (byName.length !== 1) throw securityGroupNotFound(wanted);
      return byName[0].id;
    });
  }

  /** For the API: only ids, each the project's own (an admin may use any). */
  async resolveIds(actor: Actor, projectId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const qb = this.dataSource.manager
      .createQueryBuilder(SecurityGroupEntity, 'g')
      .where('g.id IN (:...ids)', { ids: unique });
    if (!actor.isAdmin) qb.andWhere('g.project_id = :projectId', { projectId });
    const found = new Set((await qb.getMany()).map((g) => g.id));
    for (const id of unique) if (!found.has(id)) throw securityGroupNotFound(id);
    return unique;
  }

  // Rules.

  /** Rules a project sees: its own and those in its groups. */
  visibleRules(actor: Actor): SelectQueryBuilder<SecurityGroupRuleEntity> {
    const qb = this.dataSource.manager.createQueryBuilder(SecurityGroupRuleEntity, 'r');
    if (!actor.isAdmin) {
      qb.where(
        '(r.project_id = :actorProject OR EXISTS (SELECT 1 FROM security_group rg WHERE rg.id = r.security_group_id AND rg.project_id = :actorProject))',
        { actorProject: actor.projectId ?? '' },
      );
    }
    return qb;
  }

  async getRule(actor: Actor, id: string) {
    const rule = await this.visibleRules(actor).andWhere('r.id = :id', { id }).getOne();
    if (!rule) throw securityGroupRuleNotFound(id);
    return ruleView(rule);
  }

  async listRules(actor: Actor, request: ListRequest) {
    const qb = this.visibleRules(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, SECURITY_GROUP_RULE_LIST_SPEC, params);
    const page = await fetchPage(qb, request, SECURITY_GROUP_RULE_LIST_SPEC, params);
    return { views: page.rows.map(ruleView), page };
  }

  async createRule(actor: Actor, input: SecurityGroupRuleCreate) {
    const group = await this.find(actor, input.security_group_id);
    const named = input.project_id !== undefined || input.tenant_id !== undefined;
    const projectId = named ? targetProject(actor, input) : group.projectId;
    const normalised = normaliseRule(input);
    if (normalised.remoteGroupId !== null) await this.find(actor, normalised.remoteGroupId);
    const rule = this.newRule(projectId, group.id, normalised, input.description ?? '');
    try {
      await withTransientRetry(() =>
        this.dataSource.transaction(async (manager) => {
          await this.quotas.check(manager, projectId, 'security_group_rule');
          await manager.insert(SecurityGroupRuleEntity, rule);
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        const existing = await this.dataSource.manager.findOne(SecurityGroupRuleEntity, {
          where: { securityGroupId: group.id, fingerprint: rule.fingerprint },
        });
        throw conflict(
          `Security group rule already exists. Rule id is ${existing?.id ?? 'unknown'}.`,
          'SecurityGroupRuleExists',
        );
      }
      if (isForeignKeyViolation(error)) throw securityGroupNotFound(normalised.remoteGroupId ?? group.id);
      throw error;
    }
    return ruleView(rule);
  }

  async deleteRule(actor: Actor, id: string): Promise<void> {
    const rule = await this.visibleRules(actor).andWhere('r.id = :id', { id }).getOne();
    if (!rule) throw securityGroupRuleNotFound(id);
    await this.dataSource.manager.delete(SecurityGroupRuleEntity, { id });
  }
}
