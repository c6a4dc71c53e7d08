import { ErrorCode } from '@stratus/contracts';
import { DomainError } from '@stratus/platform';

/** swob's default explanations, shown in its HTML error page when Swift sets no body of its own. */
const EXPLANATION: Record<number, string> = {
  400: '',
  401: 'This server could not verify that you are authorized to access the document you requested.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  406: 'The resource is not available in a format acceptable to your browser.',
  409: 'There was a conflict when trying to complete your request.',
  411: 'Content-Length header required.',
  412: 'A precondition for this request was not met.',
  413: 'The body of your request was too large for this server.',
  416: 'The Range requested is not available.',
  422: 'Unable to process the contained instructions',
  499: 'The client was disconnected during request.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The requested method is not implemented by this server.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

const CODE: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  406: ErrorCode.NotAcceptable,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  416: ErrorCode.RangeNotSatisfiable,
  422: ErrorCode.Unprocessable,
  500: ErrorCode.Internal,
  503: ErrorCode.Unavailable,
};

/**
 * An error as Swift answers it: with `body`, that sentence as plain text (Swift's explicit bodies,
 * "Missing Content-Length header."); without, swob's HTML page for the status.
 */
export function swiftError(status: number, body?: string): DomainError {
  const code = CODE[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
  return body === undefined
    ? new DomainError(code, EXPLANATION[status] ?? '', undefined, status)
    : new DomainError(code, body, 'plain', status);
}

/** The body swob gives a successful status that has an explanation (202 Accepted). */
export const ACCEPTED_BODY = '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>';
