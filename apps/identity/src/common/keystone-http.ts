import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { badRequest } from '@stratus/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LinkTo } from './views';

/** Keystone ids are UUID4 hex without dashes. */
export function newId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The URL the client used to reach us, so links point where the client can follow them. */
export function baseUrl(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}

export interface RequestLinks {
  to: LinkTo;
  collection: { self: string; previous: null; next: null };
}

/** Injects link builders for the current request. */
export const Links = createParamDecorator((_data: unknown, context: ExecutionContext): RequestLinks => {
  const request = context.switchToHttp().getRequest<Request>();
  const base = baseUrl(request);
  return {
    to: (path) => ({ self: `${base}/v3/${path}` }),
    collection: { self: `${base}${request.originalUrl}`, previous: null, next: null },
  };
});

/** Validates a request body; Keystone reports schema failures as 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || 'request body';
  throw badRequest(`Invalid input for field '${field}': ${issue.message}`);
}

/** Query flags arrive as strings; Keystone reads "true", "1", "yes" (any case) as true. */
export function queryFlag(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const normal = value.toLowerCase();
  if (['true', '1', 'yes', 'on', ''].includes(normal)) return true;
  if (['false', '0', 'no', 'off'].includes(normal)) return false;
  throw badRequest(`Invalid boolean value in query: ${value}`);
}

export function queryString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const nameSchema = z.string().trim().min(1).max(255);
export const descriptionSchema = z.string().max(65535).nullable().optional();
export const tagsSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^,/]*$/, 'tags may not contain , or /'),
  )
  .max(80);
