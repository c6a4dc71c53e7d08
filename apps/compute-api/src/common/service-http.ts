import { ErrorCode } from '@stratus/contracts';
import { DomainError } from '@stratus/platform';

/**
 * Calls another service's public API with the requester's token, the way Nova reaches Glance and
 * Neutron for what has no NATS contract. Their refusals come back as domain errors.
 */
export async function callService(
  service: string,
  endpoint: string,
  request: {
    method: string;
    path: string;
    token: string;
    /** Sent as JSON, unless `data` is given instead. */
    body?: unknown;
    /** Sent as it is, as application/octet-stream. */
    data?: Uint8Array;
    timeoutMs: number;
  },
): Promise<unknown> {
  const contentType =
    request.data !== undefined
      ? 'application/octet-stream'
      : request.body !== undefined
        ? 'application/json'
        : undefined;
  let response: Response;
  try {
    response = await fetch(`${endpoint.replace(/\/+$/, '')}${request.path}`, {
      method: request.method,
      headers: {
        'X-Auth-Token': request.token,
        Accept: 'application/json',
        ...(contentType ? { 'Content-Type': contentType } : {}),
      },
      body: request.data ?? (request.body === undefined ? undefined : JSON.stringify(request.body)),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new DomainError(ErrorCode.Unavailable, `The ${service} service is not reachable: ${String(error)}`);
  }
  const text = await response.text();
  if (response.status === 404)
    throw new DomainError(ErrorCode.NotFound, `Not found in the ${service} service.`);
  if (response.status === 403)
    throw new DomainError(ErrorCode.Forbidden, `Not allowed by the ${service} service.`);
  if (response.status === 409)
    throw new DomainError(ErrorCode.Conflict, `The ${service} service refused: conflict.`);
  if (response.status === 413)
    throw new DomainError(ErrorCode.Forbidden, `Quota exceeded in the ${service} service.`);
  if (response.status >= 400) {
    throw new DomainError(ErrorCode.Unavailable, `The ${service} service answered ${response.status}.`);
  }
  return text ? JSON.parse(text) : {};
}
