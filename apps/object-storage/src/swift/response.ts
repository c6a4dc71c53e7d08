import type { Response } from 'express';

export type ResponseHeaders = Record<string, string | number | undefined>;

/** Swift's empty answers (201, 202, 204, 304) still name a type, as swob does. */
export const HTML_TYPE = 'text/html; charset=UTF-8';

export function setHeaders(response: Response, headers: ResponseHeaders): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) response.setHeader(name, typeof value === 'number' ? String(value) : value);
  }
}

/** A response with a small body held in memory (listings, bulk reports, manifests). */
export function sendBody(
  response: Response,
  status: number,
  headers: ResponseHeaders,
  body: string | Buffer,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  setHeaders(response, { 'Content-Type': HTML_TYPE, ...headers, 'Content-Length': bytes.length });
  response.status(status).end(bytes);
}

export function sendEmpty(response: Response, status: number, headers: ResponseHeaders = {}): void {
  sendBody(response, status, headers, '');
}
