import { swiftError } from './swift-errors';
import type { SwiftRequest } from './swift-request';

/**
 * Swift's check_delete_headers: X-Delete-After (seconds from now) becomes X-Delete-At (seconds
 * since the epoch). Undefined when the request sets neither.
 */
export function deleteAtOf(request: SwiftRequest, nowSeconds = Date.now() / 1000): number | undefined {
  const after = request.header('x-delete-after');
  if (after !== undefined) {
    if (!/^\s*-?\d+\s*$/.test(after)) throw swiftError(400, 'Non-integer X-Delete-After');
    const at = Math.floor(nowSeconds + Number(after));
    if (at <= nowSeconds) throw swiftError(400, 'X-Delete-After in past');
    return at;
  }
  const at = request.header('x-delete-at');
  if (at === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(at)) throw swiftError(400, 'Non-integer X-Delete-At');
  const value = Number(at);
  if (value <= nowSeconds) throw swiftError(400, 'X-Delete-At in past');
  return value;
}
