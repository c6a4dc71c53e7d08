import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ErrorCode, RemoteErrorPayload } from '@stratus/contracts';
import type { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { ZodError } from 'zod';
import { DomainError } from './domain-error';
import { ErrorStyle, renderError } from './error-style';

export interface NormalisedError {
  status: number;
  message: string;
  type?: string;
  code: ErrorCode;
}

/** Reduces anything thrown to a status and a message safe to show a client. */
export function normaliseError(exception: unknown, logger: Logger): NormalisedError {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      message: exception.message,
      type: exception.type,
      code: exception.code,
    };
  }
  if (exception instanceof ZodError) {
    return { status: 400, message: describeZodError(exception), code: ErrorCode.BadRequest };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : exception.message;
    return { status, message, code: status === 404 ? ErrorCode.NotFound : ErrorCode.BadRequest };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return {
    status: 500,
    message: 'An unexpected error prevented the server from fulfilling your request.',
    code: ErrorCode.Internal,
  };
}

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? `'${issue.path.join('.')}'` : 'request body';
      return `Invalid input for field ${where}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Maps every error to the OpenStack body of the service's API at the HTTP edge, and to a
 * RemoteErrorPayload on the bus, where a plain Nest RPC error would lose its message.
 */
@Catch()
export class OpenStackExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly style: ErrorStyle) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = normaliseError(exception, this.logger);
    if (host.getType() === 'rpc') {
      const payload: RemoteErrorPayload = {
        code: error.code,
        message: error.message,
        status: error.status,
        type: error.type,
      };
      return throwError(() => payload);
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const rendered = renderError(this.style, error.status, error.message, error.type);
    response.status(error.status).type(rendered.contentType).send(rendered.body);
  }
}
