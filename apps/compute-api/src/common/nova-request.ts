import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedRequest, renderError } from '@stratus/platform';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import {
  LEGACY_VERSION_HEADER,
  MIN_MICROVERSION,
  Microversion,
  requestedMicroversion,
  VERSION_HEADER,
} from './microversion';

export interface NovaRequest extends AuthenticatedRequest {
  microversion?: Microversion;
  requestId?: string;
}

export const API_PREFIX = '/v2.1';

/**
 * Gives every request its id (the instance actions' request_id) and, under /v2.1, its microversion,
 * echoed in both version headers with Vary as Nova does; a bad version never reaches a controller.
 */
export function novaRequestContext(request: NovaRequest, response: Response, next: NextFunction): void {
  const requestId = `req-${randomUUID()}`;
  request.requestId = requestId;
  response.setHeader('X-Compute-Request-Id', requestId);
  response.setHeader('X-OpenStack-Request-ID', requestId);
  // Middleware sees a path relative to where it is mounted; the original URL is the client's.
  const path = request.originalUrl.split('?')[0];
  if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return next();
  const asked = requestedMicroversion(request.headers);
  if (!asked.ok) {
    const rendered = renderError('nova', asked.status, asked.message);
    response.status(asked.status).type(rendered.contentType).send(rendered.body);
    return;
  }
  request.microversion = asked.version;
  response.setHeader(VERSION_HEADER, `compute ${asked.version}`);
  response.setHeader(LEGACY_VERSION_HEADER, String(asked.version));
  response.setHeader('Vary', `${VERSION_HEADER}, ${LEGACY_VERSION_HEADER}`);
  next();
}

/** The microversion the request asked for (2.1 when it named none). */
export const ApiVersion = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Microversion =>
    context.switchToHttp().getRequest<NovaRequest>().microversion ?? MIN_MICROVERSION,
);

export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<NovaRequest>().requestId ?? `req-${randomUUID()}`,
);

/** Builds Nova's links: `self` under /v2.1 and the version-less `bookmark`. */
export class LinkBuilder {
  constructor(readonly base: string) {}

  static of(request: Request): LinkBuilder {
    return new LinkBuilder(`${request.protocol}://${request.get('host') ?? 'localhost'}`);
  }

  self(collection: string, id: string | number): string {
    return `${this.base}${API_PREFIX}/${collection}/${id}`;
  }

  bookmark(collection: string, id: string | number): string {
    return `${this.base}/${collection}/${id}`;
  }

  links(collection: string, id: string | number): { rel: string; href: string }[] {
    return [
      { rel: 'self', href: this.self(collection, id) },
      { rel: 'bookmark', href: this.bookmark(collection, id) },
    ];
  }

  /** The `<collection>_links` next page, keeping the request's other query parameters. */
  next(
    collection: string,
    query: Record<string, unknown>,
    marker: string | number,
  ): { rel: string; href: string } {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query).sort(([a], [b]) => a.localeCompare(b))) {
      if (key === 'marker') continue;
      for (const v of Array.isArray(value) ? value : [value])
        if (typeof v === 'string') params.append(key, v);
    }
    params.append('marker', String(marker));
    return { rel: 'next', href: `${this.base}${API_PREFIX}/${collection}?${params.toString()}` };
  }
}

export const Links = createParamDecorator((_data: unknown, context: ExecutionContext): LinkBuilder =>
  LinkBuilder.of(context.switchToHttp().getRequest<Request>()),
);
