import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'stratus:isPublic';

/** Marks a controller or route as reachable without a token (version documents, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
