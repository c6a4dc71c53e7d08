import { bestMatch, ListingType } from '../listing/listing-format';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';

const OFFERED: ListingType[] = ['text/plain', 'application/json', 'application/xml', 'text/xml'];

/** The format of a bulk response, chosen by Accept alone (406 when none fits). */
export function bulkResponseType(request: SwiftRequest): ListingType {
  const type = bestMatch(request.header('accept') ?? '*/*', OFFERED);
  if (!type) throw swiftError(406);
  return type;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** Swift's bulk get_response_body: counters, then the errors as [path, status]. */
export function bulkResponseBody(
  type: ListingType,
  data: Record<string, string | number>,
  errors: [string, string][],
  rootTag: string,
): string {
  if (type === 'application/json') return JSON.stringify({ ...data, Errors: errors });
  const keys = Object.keys(data).sort();
  if (type.endsWith('/xml')) {
    const fields = keys.map((key) => {
      const tag = key.replace(/ /g, '_').toLowerCase();
      return `<${tag}>${escapeXml(String(data[key]))}</${tag}>\n`;
    });
    const failures = errors.map(
      ([name, status]) =>
        `<object><name>${escapeXml(name)}</name><status>${escapeXml(status)}</status></object>\n`,
    );
    return `<${rootTag}>\n${fields.join('')}<errors>\n${failures.join('')}</errors>\n</${rootTag}>\n`;
  }
  return `${keys.map((key) => `${key}: ${data[key]}\n`).join('')}Errors:\n${errors.map(([n, s]) => `${n}, ${s}\n`).join('')}`;
}
