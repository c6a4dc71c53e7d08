import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { badRequest } from '@stratus/platform';
import type { Request } from 'express';
import { revisionConstraintFailed } from './neutron-errors';

/** The URL the client used to reach us, so links point where the client can follow them. */
export function baseUrl(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}

export interface ListContext {
  query: URLSearchParams;
  /** The collection URL, for `<collection>_links`. */
  collectionUrl: string;
}

/**
 * The raw query string as a multi-map: Neutron repeats keys for OR filters and `fields`, which a
 * nested query parser would fold into objects.
 */
export const ListQuery = createParamDecorator((_data: unknown, context: ExecutionContext): ListContext => {
  const request = context.switchToHttp().getRequest<Request>();
  const [path, search = ''] = request.originalUrl.split('?', 2);
  return { query: new URLSearchParams(search), collectionUrl: `${baseUrl(request)}${path}` };
});

/** `fields=` on a single resource. */
export const FieldsQuery = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string[] | undefined => {
    const request = context.switchToHttp().getRequest<Request>();
    const search = request.originalUrl.split('?', 2)[1] ?? '';
    const fields = new URLSearchParams(search)
      .getAll('fields')
      .flatMap((f) => f.split(','))
      .filter((f) => f !== '');
    return fields.length ? fields : undefined;
  },
);

/** `If-Match: revision_number=N` (revision-if-match), or undefined when the client set no constraint. */
export const IfMatchRevision = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<Request>().get('if-match');
    if (!header) return undefined;
    const match = /revision_number=(\d+)/.exec(header);
    if (!match) throw badRequest(`If-Match header without a revision_number: ${header}`);
    return Number(match[1]);
  },
);

export function checkRevision(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw revisionConstraintFailed(expected, current);
}
