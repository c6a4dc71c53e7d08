import { ErrorCode } from '@stratus/contracts';
import { DomainError } from '@stratus/platform';

/** Glance's error responses, with Glance's wording so clients and scripts see what they expect. */
export const glanceErrors = {
  badRequest: (message: string) => new DomainError(ErrorCode.BadRequest, message),
  forbidden: (message: string) => new DomainError(ErrorCode.Forbidden, message),
  /** oslo.policy refusal as Glance words it. */
  policy: (action: string) =>
    new DomainError(ErrorCode.Forbidden, `You are not authorized to complete ${action} action.`),
  imageNotFound: (id: string) =>
    new DomainError(ErrorCode.NotFound, `No image found with ID ${id}`, 'ImageNotFound'),
  notFound: (message: string) => new DomainError(ErrorCode.NotFound, message),
  conflict: (message: string) => new DomainError(ErrorCode.Conflict, message),
  gone: (message: string) => new DomainError(ErrorCode.Gone, message),
  tooLarge: (message: string) => new DomainError(ErrorCode.OverQuota, message),
  unsupportedMediaType: (message: string) => new DomainError(ErrorCode.UnsupportedMediaType, message),
  rangeNotSatisfiable: (message: string) => new DomainError(ErrorCode.RangeNotSatisfiable, message),
  unavailable: (message: string) => new DomainError(ErrorCode.Unavailable, message),
  schema: (name: string, reason: string) =>
    new DomainError(ErrorCode.BadRequest, `Provided object does not match schema '${name}': ${reason}`),
  readOnly: (attribute: string) =>
    new DomainError(ErrorCode.Forbidden, `Attribute '${attribute}' is read-only.`),
  reserved: (attribute: string) =>
    new DomainError(ErrorCode.Forbidden, `Attribute '${attribute}' is reserved.`),
};

/** Glance's timeutils.isotime: seconds precision, Z suffix. */
export function isotime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Timestamps are kept at whole seconds, as Glance's columns do, so every database agrees. */
export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
