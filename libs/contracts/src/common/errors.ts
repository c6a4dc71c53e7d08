/**
 * Error codes that cross service boundaries. Each maps to an HTTP status at the API edge;
 * over NATS an error travels as a RemoteErrorPayload and is rebuilt as a typed error by the caller.
 */
export enum ErrorCode {
  BadRequest = 'BAD_REQUEST',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  NotAcceptable = 'NOT_ACCEPTABLE',
  Conflict = 'CONFLICT',
  Gone = 'GONE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  OverQuota = 'OVER_QUOTA',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  RangeNotSatisfiable = 'RANGE_NOT_SATISFIABLE',
  Unprocessable = 'UNPROCESSABLE',
  Timeout = 'TIMEOUT',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.NotAcceptable]: 406,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Gone]: 410,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.OverQuota]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RangeNotSatisfiable]: 416,
  [ErrorCode.Unprocessable]: 422,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/** How an error is carried in a NATS reply. `type` names the domain error, e.g. "ImageNotFound". */
export interface RemoteErrorPayload {
  code: ErrorCode;
  message: string;
  status: number;
  type?: string;
}

export function isRemoteErrorPayload(value: unknown): value is RemoteErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.status === 'number';
}
