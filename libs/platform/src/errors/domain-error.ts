import { ErrorCode, HTTP_STATUS_OF, RemoteErrorPayload } from '@stratus/contracts';

/**
 * The one exception type domain code throws. `type` names the error the way the OpenStack
 * service would (Neutron's "NetworkNotFound", for example); the edge maps it to the API's body.
 */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly type?: string,
    status?: number,
  ) {
    super(message);
    this.name = type ?? code;
    this.status = status ?? HTTP_STATUS_OF[code];
  }

  toRemote(): RemoteErrorPayload {
    return { code: this.code, message: this.message, status: this.status, type: this.type };
  }

  static fromRemote(payload: RemoteErrorPayload): DomainError {
    return new DomainError(payload.code, payload.message, payload.type, payload.status);
  }
}

export const badRequest = (message: string, type?: string) =>
  new DomainError(ErrorCode.BadRequest, message, type);
export const unauthorized = (message = 'The request you have made requires authentication.') =>
  new DomainError(ErrorCode.Unauthorized, message);
export const forbidden = (
  message = 'You are not authorized to perform the requested action.',
  type?: string,
) => new DomainError(ErrorCode.Forbidden, message, type);
export const notFound = (message: string, type?: string) =>
  new DomainError(ErrorCode.NotFound, message, type);
export const conflict = (message: string, type?: string) =>
  new DomainError(ErrorCode.Conflict, message, type);
