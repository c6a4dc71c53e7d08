import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import { z } from 'zod';
import {
  descriptionSchema,
  Links,
  nameSchema,
  parseBody,
  queryString,
  RequestLinks,
} from '../common/keystone-http';
import { applicationCredentialView } from '../common/views';
import { requireSelfOrAdmin } from '../users/users.controller';
import { ApplicationCredentialsService } from './application-credentials.service';

const createSchema = z.object({
  application_credential: z.object({
    name: nameSchema,
    description: descriptionSchema,
    secret: z.string().min(1).max(4096).nullable().optional(),
    expires_at: z.string().nullable().optional(),
    roles: z.array(z.object({ id: z.string().optional(), name: z.string().optional() })).optional(),
    unrestricted: z.boolean().optional(),
    access_rules: z.array(z.unknown()).max(0, 'access rules are not supported').optional(),
  }),
});

function parseExpiry(value: string | null | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms))
    throw badRequest(`Invalid input for field 'expires_at': ${value} is not a valid date.`);
  return new Date(ms);
}

@Controller('v3/users/:userId/application_credentials')
export class ApplicationCredentialsController {
  constructor(private readonly credentials: ApplicationCredentialsService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Auth() auth: AuthContext,
    @Param('userId') userId: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    const { application_credential: input } = parseBody(createSchema, body);
    const { credential, secret } = await this.credentials.create(auth, userId, {
      name: input.name,
      description: input.description,
      secret: input.secret,
      expiresAt: parseExpiry(input.expires_at),
      roles: input.roles,
      unrestricted: input.unrestricted,
    });
    return { application_credential: { ...applicationCredentialView(credential, links.to), secret } };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Param('userId') userId: string,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    requireSelfOrAdmin(auth, userId);
    const credentials = await this.credentials.list(userId, queryString(query.name));
    return {
      application_credentials: credentials.map((c) => applicationCredentialView(c, links.to)),
      links: links.collection,
    };
  }

  @Get(':id')
  async get(
    @Auth() auth: AuthContext,
    @Param('userId') userId: string,
    @Param('id') id: string,
    @Links() links: RequestLinks,
  ) {
    requireSelfOrAdmin(auth, userId);
    return {
      application_credential: applicationCredentialView(await this.credentials.get(userId, id), links.to),
    };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Auth() auth: AuthContext,
    @Param('userId') userId: string,
    @Param('id') id: string,
  ): Promise<void> {
    requireSelfOrAdmin(auth, userId);
    await this.credentials.delete(auth, userId, id);
  }
}
