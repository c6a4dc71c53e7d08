import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { Auth, AuthContext } from '@stratus/platform';
import type { Request, Response } from 'express';
import { callerOf } from '../images/image-policy';
import { ImageDataService, IMPORT_METHODS } from './image-data.service';

@Controller('v2')
export class ImageDataController {
  constructor(private readonly data: ImageDataService) {}

  /** The body is the raw stream: the JSON parser only reads JSON media types. */
  @Put('images/:id/file')
  @HttpCode(204)
  async upload(@Auth() auth: AuthContext, @Param('id') id: string, @Req() request: Request): Promise<void> {
    await this.data.upload(callerOf(auth), id, request);
  }

  @Get('images/:id/file')
  async download(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.data.download(callerOf(auth), id, request, response);
  }

  @Put('images/:id/stage')
  @HttpCode(204)
  async stage(@Auth() auth: AuthContext, @Param('id') id: string, @Req() request: Request): Promise<void> {
    await this.data.stage(callerOf(auth), id, request);
  }

  @Post('images/:id/import')
  @HttpCode(202)
  async import(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.data.startImport(callerOf(auth), id, body);
  }

  @Get('info/import')
  importInfo() {
    return {
      'import-methods': { description: 'Import methods available.', type: 'array', value: IMPORT_METHODS },
    };
  }
}
