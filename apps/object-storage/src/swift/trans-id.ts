import { renderError } from '@stratus/platform';
import type { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';

/** Swift's transaction id: "tx" + 21 hex digits + "-" + the time in hex. */
function transId(now = Date.now()): string {
  const hex = randomBytes(11).toString('hex').slice(0, 21);
  return `tx${hex}-${Math.floor(now / 1000)
    .toString(16)
    .padStart(10, '0')}`;
}

/** Every response carries X-Trans-Id and X-Openstack-Request-Id, as Swift's proxy adds them. */
export function transIdHeaders(_request: Request, response: Response, next: NextFunction): void {
  const id = transId();
  response.setHeader('X-Trans-Id', id);
  response.setHeader('X-Openstack-Request-Id', id);
  next();
}

/**
 * A path the router cannot percent-decode (a lone %FF) never reaches it: Swift answers such
 * names 412, where Express would answer its own 400.
 */
export function rejectUndecodablePaths(request: Request, response: Response, next: NextFunction): void {
  try {
    if (request.url.includes('%')) decodeURIComponent(request.path);
    next();
  } catch {
    const rendered = renderError('swift', 412, 'Invalid UTF8 or contains NULL', 'plain');
    response.status(412).type(rendered.contentType).send(rendered.body);
  }
}
