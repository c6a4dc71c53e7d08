import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetImage, ReplyOf, RequestOf } from '@stratus/contracts';
import { glanceErrors } from '../common/glance-errors';
import { callerFromContext } from '../images/image-policy';
import { imageRef } from '../images/image-view';
import { ImagesService } from '../images/images.service';

/** Image lookups for compute-api and compute-agent, with the caller's visibility applied. */
@Controller()
export class ImagesRpcController {
  constructor(private readonly images: ImagesService) {}

  @MessagePattern(GetImage.subject)
  async get(@Payload() request: RequestOf<typeof GetImage>): Promise<ReplyOf<typeof GetImage>> {
    if (
      !request ||
      typeof request.imageId !== 'string' ||
      typeof request.context !== 'object' ||
      !request.context
    ) {
      throw glanceErrors.badRequest('imageId and context are required.');
    }
    const caller = callerFromContext({
      projectId: request.context.projectId ?? null,
      roles: Array.isArray(request.context.roles) ? request.context.roles : [],
    });
    return imageRef(await this.images.get(caller, request.imageId));
  }
}
