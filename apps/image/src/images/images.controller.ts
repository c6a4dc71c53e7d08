import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import type { Request, Response } from 'express';
import { glanceErrors } from '../common/glance-errors';
import { hostUrl } from '../common/glance-http';
import { IMPORT_METHODS } from '../image-data/image-data.service';
import { callerOf } from './image-policy';
import { imageView } from './image-view';
import { ImagesService } from './images.service';
import { PATCH_MEDIA_TYPES, parsePatch } from './json-patch';
import { parseListQuery } from './list-query';

/** The query string without `marker`, re-encoded, as Glance builds its first and next links. */
function queryWithout(request: Request, drop: string): URLSearchParams {
  const raw = request.originalUrl.includes('?')
    ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1)
    : '';
  const params = new URLSearchParams(raw);
  params.delete(drop);
  return params;
}

@Controller('v2/images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Auth() auth: AuthContext,
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const created = await this.images.create(callerOf(auth), body);
    response.setHeader('Location', `${hostUrl(request)}/v2/images/${created.image.id}`);
    response.setHeader('OpenStack-image-import-methods', IMPORT_METHODS.join(','));
    return imageView(created);
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Req() request: Request) {
    const page = await this.images.list(callerOf(auth), parseListQuery(query));
    const params = queryWithout(request, 'marker');
    const first = params.toString();
    const body: Record<string, unknown> = {
      images: page.images.map(imageView),
      first: first ? `/v2/images?${first}` : '/v2/images',
      schema: '/v2/schemas/images',
    };
    if (page.nextMarker) {
      params.set('marker', page.nextMarker);
      body.next = `/v2/images?${params.toString()}`;
    }
    return body;
  }

  @Get(':id')
  async show(@Auth() auth: AuthContext, @Param('id') id: string) {
    return imageView(await this.images.get(callerOf(auth), id));
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const draft = PATCH_MEDIA_TYPES[type];
    if (!draft) {
      response.setHeader('Accept-Patch', Object.keys(PATCH_MEDIA_TYPES).sort().join(', '));
      throw glanceErrors.unsupportedMediaType(
        `Unsupported media type '${type || 'None'}' for PATCH; use ${Object.keys(PATCH_MEDIA_TYPES).sort().join(' or ')}.`,
      );
    }
    if (body === undefined) throw glanceErrors.badRequest('Body expected in request.');
    const changes = parsePatch(body, draft);
    return imageView(await this.images.update(callerOf(auth), id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.images.delete(callerOf(auth), id);
  }

  @Put(':id/tags/:tag')
  @HttpCode(204)
  async addTag(@Auth() auth: AuthContext, @Param('id') id: string, @Param('tag') tag: string): Promise<void> {
    await this.images.addTag(callerOf(auth), id, tag);
  }

  @Delete(':id/tags/:tag')
  @HttpCode(204)
  async removeTag(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    await this.images.removeTag(callerOf(auth), id, tag);
  }

  @Post(':id/actions/deactivate')
  @HttpCode(204)
  async deactivate(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.images.deactivate(callerOf(auth), id);
  }

  @Post(':id/actions/reactivate')
  @HttpCode(204)
  async reactivate(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.images.reactivate(callerOf(auth), id);
  }
}
