import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { unauthorized } from '../errors/domain-error';
import type { AuthContext } from './auth-context';
import type { AuthenticatedRequest } from './auth.guard';

/** Injects the caller's AuthContext into a route handler. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw unauthorized();
  return auth;
});
