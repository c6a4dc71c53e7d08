import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthContext } from './auth-context';
import { IS_PUBLIC } from './public.decorator';
import { TokenValidator } from './token-validator';

export interface AuthenticatedRequest extends Request {
  auth?: AuthContext;
}

/** Every HTTP route needs a valid X-Auth-Token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly validator: TokenValidator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['x-auth-token'];
    request.auth = this.validator.validate(Array.isArray(header) ? header[0] : header);
    return true;
  }
}
