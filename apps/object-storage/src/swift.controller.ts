import { All, Controller, Req, Res } from '@nestjs/common';
import { declaredLength, drain, DRAIN_LIMIT, Public, TokenValidator } from '@stratus/platform';
import type { Request, Response } from 'express';
import { AccountHandler } from './accounts/account.handler';
import { identityOf } from './auth/swift-identity';
import { BulkUploadService } from './bulk/bulk-upload.service';
import { TempUrlService } from './auth/temp-url.service';
import { ContainerHandler } from './containers/container.handler';
import { FormPostService } from './formpost/form-post.service';
import { ObjectHandler } from './objects/object.handler';
import { SwiftRequest } from './swift/swift-request';

/**
 * Every /v1 path: Swift's proxy. Public to the platform guard because anonymous requests are
 * legitimate here (container ACLs, temporary URLs); tokens are checked below, per request.
 */
@Public()
@Controller()
export class SwiftController {
  constructor(
    private readonly validator: TokenValidator,
    private readonly tempUrls: TempUrlService,
    private readonly accounts: AccountHandler,
    private readonly containers: ContainerHandler,
    private readonly objects: ObjectHandler,
    private readonly bulkUpload: BulkUploadService,
    private readonly formPost: FormPostService,
  ) {}

  @All(['v1/*path', 'v1.0/*path'])
  async handle(@Req() http: Request, @Res() response: Response): Promise<void> {
    try {
      const request = new SwiftRequest(http);
      request.identity = identityOf(this.validator, http.headers);
      if (this.formPost.applies(request)) return await this.formPost.handle(request, response);
      await this.tempUrls.check(request);
      if (request.method === 'PUT' && request.hasParam('extract-archive')) {
        await this.bulkUpload.extract(request, response);
      } else if (request.path.object) await this.objects.handle(request, response);
      else if (request.path.container) await this.containers.handle(request, response);
      else await this.accounts.handle(request, response);
    } catch (error) {
      await settleBody(http, response);
      throw error;
    }
  }
}

/**
 * Before answering an error to a request whose body was not read: read and drop a small body so
 * the client gets the answer, or close the connection after answering a large one.
 */
async function settleBody(http: Request, response: Response): Promise<void> {
  if (http.complete || http.readableEnded || http.destroyed) return;
  const length = declaredLength(http);
  if (length === undefined && http.headers['transfer-encoding'] === undefined) return;
  if (length !== undefined && length > DRAIN_LIMIT) response.setHeader('Connection', 'close');
  else await drain(http);
}
