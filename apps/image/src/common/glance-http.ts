import type { Request } from 'express';

/** The URL the client used to reach us (or the configured public endpoint), without a trailing slash. */
export function hostUrl(request: Request, publicEndpoint?: string): string {
  if (publicEndpoint) return publicEndpoint.replace(/\/+$/, '');
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}
