import { Body, Controller, Delete, Get, Head, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { Auth, AuthContext, forbidden, Public, TokenClaims } from '@stratus/platform';
import type { Response } from 'express';
import { Links, parseBody, queryFlag, RequestLinks } from '../common/keystone-http';
import { RevocationsService } from '../common/revocations.service';
import { domainView, projectView } from '../common/views';
import { ResourceService } from '../projects/resource.service';
import { AssignmentsService } from '../roles/assignments.service';
import { tokenRequestSchema } from './token-request.schema';
import { TokensService } from './tokens.service';

@Controller('v3/auth')
export class AuthController {
  constructor(
    private readonly tokens: TokensService,
    private readonly revocations: RevocationsService,
    private readonly assignments: AssignmentsService,
    private readonly resources: ResourceService,
  ) {}

  @Public()
  @Post('tokens')
  async issue(
    @Body() body: unknown,
    @Query('nocatalog') nocatalog: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const request = parseBody(tokenRequestSchema, body);
    const { token, claims } = await this.tokens.issue(request);
    const rendered = await this.tokens.render(claims, queryFlag(nocatalog) !== true);
    response.status(201).setHeader('X-Subject-Token', token);
    response.json({ token: rendered });
  }

  @Get('tokens')
  async validate(
    @Auth() auth: AuthContext,
    @Headers('x-subject-token') subject: string | undefined,
    @Query('nocatalog') nocatalog: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const claims = this.authorisedSubject(auth, subject);
    const rendered = await this.tokens.render(claims, queryFlag(nocatalog) !== true);
    response.status(200).setHeader('X-Subject-Token', subject ?? '');
    response.json({ token: rendered });
  }

  @Head('tokens')
  check(
    @Auth() auth: AuthContext,
    @Headers('x-subject-token') subject: string | undefined,
    @Res() response: Response,
  ): void {
    this.authorisedSubject(auth, subject);
    response.status(200).setHeader('X-Subject-Token', subject ?? '');
    response.end();
  }

  @Delete('tokens')
  @HttpCode(204)
  async revoke(
    @Auth() auth: AuthContext,
    @Headers('x-subject-token') subject: string | undefined,
  ): Promise<void> {
    const claims = this.authorisedSubject(auth, subject);
    await this.revocations.revoke({ auditId: claims.auditIds[0] });
  }

  @Get('catalog')
  async catalog(@Auth() auth: AuthContext, @Links() links: RequestLinks) {
    return { catalog: await this.tokens.catalogFor(auth.claims), links: { self: links.collection.self } };
  }

  @Get('projects')
  async projects(@Auth() auth: AuthContext, @Links() links: RequestLinks) {
    const assignments = await this.assignments.listAssignments({ userId: auth.userId, effective: true });
    const ids = [...new Set(assignments.filter((a) => a.targetType === 'project').map((a) => a.targetId))];
    const projects = (
      await Promise.all(ids.map((id) => this.resources.getProject(id).catch(() => undefined)))
    ).filter((p) => p?.enabled);
    return { projects: projects.map((p) => projectView(p!, links.to)), links: links.collection };
  }

  @Get('domains')
  async domains(@Auth() auth: AuthContext, @Links() links: RequestLinks) {
    const assignments = await this.assignments.listAssignments({ userId: auth.userId, effective: true });
    const ids = [...new Set(assignments.filter((a) => a.targetType === 'domain').map((a) => a.targetId))];
    const domains = (
      await Promise.all(ids.map((id) => this.resources.getDomain(id).catch(() => undefined)))
    ).filter((d) => d?.enabled);
    return { domains: domains.map((d) => domainView(d!, links.to)), links: links.collection };
  }

  @Get('system')
  async system(@Auth() auth: AuthContext, @Links() links: RequestLinks) {
    const roles = await this.assignments.effectiveRoles(auth.userId, { system: true });
    return { system: roles.length ? [{ all: true }] : [], links: { self: links.collection.self } };
  }

  /** Keystone's policy: a token's owner, or an admin, may look at or revoke it. */
  private authorisedSubject(auth: AuthContext, subject: string | undefined): TokenClaims {
    const claims = this.tokens.subject(subject);
    if (!auth.isAdmin && claims.userId !== auth.userId) throw forbidden();
    return claims;
  }
}
