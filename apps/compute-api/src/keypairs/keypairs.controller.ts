import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { pageRequest, paginate, parseBody, queryString, usageTime } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links } from '../common/nova-request';
import type { KeypairEntity } from './keypair.entity';
import { KeypairsService } from './keypairs.service';

function createSchema(version: Microversion) {
  return z
    .object({
      keypair: z
        .object({
          name: z.string().min(1).max(255),
          public_key: z.string().optional(),
          ...(version.atLeast('2.2') ? { type: z.enum(['ssh', 'x509']).optional() } : {}),
          ...(version.atLeast('2.10') ? { user_id: z.string().min(1).max(255).optional() } : {}),
        })
        .strict(),
    })
    .strict();
}

@Controller('v2.1/os-keypairs')
export class KeypairsController {
  constructor(
    private readonly keypairs: KeypairsService,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.reader(auth, 'os_compute_api:os-keypairs:index');
    const userId = this.targetUser(auth, queryString(query.user_id), version);
    let keypairs = await this.keypairs.list(userId);
    let next: unknown[] | undefined;
    if (version.atLeast('2.35')) {
      const page = paginate(
        keypairs,
        pageRequest(query, this.config.COMPUTE_MAX_LIMIT),
        (k) => k.name,
        (marker) => badRequest(`Marker ${marker} could not be found.`),
      );
      keypairs = page.items;
      if (page.more) next = [links.next('os-keypairs', query, keypairs[keypairs.length - 1].name)];
    }
    return {
      keypairs: keypairs.map((k) => ({ keypair: summary(k, version) })),
      ...(next ? { keypairs_links: next } : {}),
    };
  }

  @Get(':name')
  async show(
    @Auth() auth: AuthContext,
    @Param('name') name: string,
    @Query('user_id') userId: unknown,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.reader(auth, 'os_compute_api:os-keypairs:show');
    const keypair = await this.keypairs.get(this.targetUser(auth, queryString(userId), version), name);
    return {
      keypair: {
        ...summary(keypair, version),
        user_id: keypair.userId,
        id: keypair.id,
        created_at: usageTime(keypair.createdAt),
        updated_at: null,
        deleted: false,
        deleted_at: null,
      },
    };
  }

  @Post()
  async create(
    @Auth() auth: AuthContext,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
    @Res({ passthrough: true }) response: Response,
  ) {
    const projectId = computePolicy.member(auth, 'os_compute_api:os-keypairs:create');
    const { keypair } = parseBody(createSchema(version), body) as {
      keypair: { name: string; public_key?: string; type?: 'ssh' | 'x509'; user_id?: string };
    };
    const userId = this.targetUser(auth, keypair.user_id, version);
    const created = await this.keypairs.create({
      projectId,
      userId,
      name: keypair.name,
      type: keypair.type ?? 'ssh',
      publicKey: keypair.public_key,
    });
    response.status(version.atLeast('2.2') ? 201 : 200);
    return {
      keypair: {
        ...summary(created.keypair, version),
        user_id: created.keypair.userId,
        ...(created.privateKey ? { private_key: created.privateKey } : {}),
      },
    };
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(
    @Auth() auth: AuthContext,
    @Param('name') name: string,
    @Query('user_id') userId: unknown,
    @ApiVersion() version: Microversion,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    computePolicy.member(auth, 'os_compute_api:os-keypairs:delete');
    await this.keypairs.delete(this.targetUser(auth, queryString(userId), version), name);
    if (!version.atLeast('2.2')) response.status(202);
  }

  /** Since 2.10 an admin may act on another user's key pairs; everyone else only on their own. */
  private targetUser(auth: AuthContext, asked: string | undefined, version: Microversion): string {
    if (!asked || !version.atLeast('2.10') || asked === auth.userId) return auth.userId;
    computePolicy.admin(auth, 'os_compute_api:os-keypairs:index');
    return asked;
  }
}

function summary(keypair: KeypairEntity, version: Microversion) {
  return {
    name: keypair.name,
    public_key: keypair.publicKey,
    fingerprint: keypair.fingerprint,
    ...(version.atLeast('2.2') ? { type: keypair.type } : {}),
  };
}
