import { createParamDecorator, ExecutionContext, Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { renderError, unauthorized } from '@stratus/platform';
import type { AuthenticatedRequest } from '@stratus/platform';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { ApiVersion, requestedVersion, UnsupportedApiVersion } from './api-version';
import { Actor } from './actor';
import { cinderErrors } from './cinder-errors';

/** What the edge learns about a request before any handler runs. */
export interface CinderRequestInfo {
  version: ApiVersion;
  requestId: string;
  /** Scheme, host and port clients reach us at, for links. */
  baseUrl: string;
}

type CinderRequest = AuthenticatedRequest & { cinder?: CinderRequestInfo };

/**
 * Reads the microversion of every /v3 request and answers with it (OpenStack-API-Version and
 * Vary), and gives each request Cinder's `req-<uuid>` id. A malformed version is a 400 and an
 * unsupported one a 406, in Cinder's fault body, before authentication.
 */
@Injectable()
export class CinderRequestMiddleware implements NestMiddleware {
  constructor(@Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig) {}

  use(request: CinderRequest, response: Response, next: NextFunction): void {
    const requestId = `req-${randomUUID()}`;
    response.setHeader('x-openstack-request-id', requestId);
    const baseUrl =
      this.config.BLOCK_STORAGE_PUBLIC_ENDPOINT?.replace(/\/+$/, '') ??
      `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    let version: ApiVersion;
    try {
      version = requestedVersion(request.get('openstack-api-version'));
    } catch (error) {
      const status = error instanceof UnsupportedApiVersion ? 406 : 400;
      const message = error instanceof Error ? error.message : String(error);
      const rendered = renderError('cinder', status, message);
      response.status(status).type(rendered.contentType).send(rendered.body);
      return;
    }
    if (request.originalUrl.startsWith('/v3')) {
      response.setHeader('OpenStack-API-Version', `volume ${version.toString()}`);
      response.setHeader('Vary', 'OpenStack-API-Version');
    }
    request.cinder = { version, requestId, baseUrl };
    next();
  }
}

/** The caller of a Block Storage API route, with the request's microversion and links base. */
export interface Caller extends Actor {
  version: ApiVersion;
  requestId: string;
  baseUrl: string;
  /** The project in the URL path: the token's, or the token's when the path has none (3.67). */
  urlProjectId: string;
  /** The caller's token, for calls to the image service on the caller's behalf. */
  token: string;
}

/**
 * Injects the Caller. Cinder refuses a URL whose project is not the token's ("Malformed request
 * url"), admins included: an admin acts on other projects through filters and ids, not the path.
 */
export const CallerOf = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<CinderRequest & { params: Record<string, string> }>();
  const auth = request.auth;
  if (!auth) throw unauthorized();
  const info = request.cinder;
  if (!info) throw new Error('CinderRequestMiddleware did not run');
  const urlProject = request.params.projectId;
  if (urlProject !== undefined && urlProject !== auth.projectId) throw cinderErrors.malformedUrl();
  return {
    projectId: auth.projectId ?? null,
    userId: auth.userId,
    isAdmin: auth.isAdmin,
    roles: auth.roles.map((r) => r.name),
    version: info.version,
    requestId: info.requestId,
    baseUrl: info.baseUrl,
    urlProjectId: urlProject ?? auth.projectId ?? '',
    token: auth.token,
  };
});

/** The unversioned request info, for public routes (version documents). */
export function requestInfo(request: Request): CinderRequestInfo {
  const info = (request as CinderRequest).cinder;
  if (!info) throw new Error('CinderRequestMiddleware did not run');
  return info;
}

/** Both the classic `/v3/{project_id}/<path>` and the project-less `/v3/<path>` of 3.67. */
export function v3Paths(path: string): string[] {
  return [`v3/:projectId/${path}`, `v3/${path}`];
}

/** The query string as a multi-map, never parsed into nested objects. */
export const RawQuery = createParamDecorator((_data: unknown, context: ExecutionContext): URLSearchParams => {
  const request = context.switchToHttp().getRequest<Request>();
  return new URLSearchParams(request.originalUrl.split('?', 2)[1] ?? '');
});
