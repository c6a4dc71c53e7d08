import express, { NextFunction, Request, Response } from 'express';
import type { ErrorStyle } from '../errors/error-style';
import { renderError } from '../errors/error-style';

export interface JsonBodyOptions {
  limit: string;
  /** Media types parsed as JSON (Glance's JSON-patch type, for example). */
  types: string[];
}

/** Parses JSON bodies and answers malformed or oversized ones in the API's own error shape. */
export function jsonBody(style: ErrorStyle, options: JsonBodyOptions) {
  const parse = express.json({ limit: options.limit, type: options.types, strict: false });
  return (request: Request, response: Response, next: NextFunction): void => {
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const { status, type } = error as { status?: number; type?: string };
      const code = status === 413 ? 413 : 400;
      const message =
        type === 'entity.too.large'
          ? 'Request is too large.'
          : type === 'encoding.unsupported' || type === 'charset.unsupported'
            ? 'Unsupported request encoding.'
            : 'Malformed request body: the body is not valid JSON.';
      const rendered = renderError(style, code, message);
      response.status(code).type(rendered.contentType).send(rendered.body);
    });
  };
}
