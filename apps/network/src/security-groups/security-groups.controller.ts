import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import { memberOf, readerOf } from '../common/actor';
import { collectionBody } from '../common/collection';
import { parseListRequest, selectFields } from '../common/list-query';
import { parseResourceBody } from '../common/neutron-body';
import { FieldsQuery, ListContext, ListQuery } from '../common/neutron-http';
import { ResourceController } from '../common/resource-controller';
import {
  securityGroupCreateSchema,
  securityGroupRuleCreateSchema,
  securityGroupUpdateSchema,
} from './security-group.schemas';
import {
  SECURITY_GROUP_LIST_SPEC,
  SECURITY_GROUP_RULE_LIST_SPEC,
  SecurityGroupsService,
} from './security-groups.service';

@Controller('v2.0/security-groups')
export class SecurityGroupsController extends ResourceController({
  resource: 'security_group',
  service: SecurityGroupsService,
  listSpec: SECURITY_GROUP_LIST_SPEC,
  createSchema: securityGroupCreateSchema,
  updateSchema: securityGroupUpdateSchema,
}) {}

@Controller('v2.0/security-group-rules')
export class SecurityGroupRulesController {
  constructor(private readonly groups: SecurityGroupsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @ListQuery() context: ListContext) {
    const actor = readerOf(auth);
    const request = parseListRequest(context.query, SECURITY_GROUP_RULE_LIST_SPEC, actor.isAdmin);
    const { views, page } = await this.groups.listRules(actor, request);
    return collectionBody('security_group_rules', views, page, request, context);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @FieldsQuery() fields?: string[]) {
    return { security_group_rule: selectFields(await this.groups.getRule(readerOf(auth), id), fields) };
  }

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    const input = parseResourceBody('security_group_rule', securityGroupRuleCreateSchema, body);
    return { security_group_rule: await this.groups.createRule(memberOf(auth), input) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.groups.deleteRule(memberOf(auth), id);
  }
}
