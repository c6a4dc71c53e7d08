import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { isSubdir, Listed } from './listing-query';

export type ListingType = 'text/plain' | 'application/json' | 'application/xml' | 'text/xml';

const OFFERED: ListingType[] = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
const FORMATS: Record<string, ListingType> = {
  plain: 'text/plain',
  json: 'application/json',
  xml: 'application/xml',
};

/** Swift's get_listing_content_type: ?format= wins over Accept; nothing acceptable is 406. */
export function listingType(request: SwiftRequest): ListingType {
  const format = request.param('format');
  const accept = format
    ? (FORMATS[format.toLowerCase()] ?? 'text/plain')
    : (request.header('accept') ?? '*/*');
  const best = bestMatch(accept, OFFERED);
  if (!best) throw swiftError(406);
  return best;
}

/** The offer with the highest q in an Accept header (ties go to the earlier offer). */
export function bestMatch<T extends string>(accept: string, offers: readonly T[]): T | undefined {
  const ranges = accept
    .split(',')
    .map((part) => {
      const [range, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { range: range.trim().toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((r) => r.range !== '');
  let best: T | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const [type] = offer.split('/');
    let q = -1;
    let specificity = -1;
    for (const r of ranges) {
      const level = r.range === offer ? 2 : r.range === `${type}/*` ? 1 : r.range === '*/*' ? 0 : -1;
      if (level > specificity) {
        specificity = level;
        q = r.q;
      }
    }
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface ContainerRecord {
  name: string;
  count: number;
  bytes: number;
  last_modified: string;
}

export interface ObjectRecord {
  bytes: number;
  hash: string;
  name: string;
  content_type: string;
  last_modified: string;
  slo_etag?: string;
}

/** Account listings in each format, byte for byte as Swift's listing_formats writes them. */
export function renderAccountListing(
  type: ListingType,
  account: string,
  entries: Listed<ContainerRecord>[],
): string {
  if (type === 'application/json') return JSON.stringify(entries);
  if (type.endsWith('/xml')) {
    const items = entries.map((e) =>
      isSubdir(e)
        ? `<subdir name="${escapeXml(e.subdir)}" />`
        : `<container><name>${escapeXml(e.name)}</name><count>${e.count}</count><bytes>${e.bytes}</bytes><last_modified>${e.last_modified}</last_modified></container>`,
    );
    return `${XML_DECLARATION}<account name="${escapeXml(account)}">\n${items.map((i) => `${i}\n`).join('')}</account>`;
  }
  return entries.map((e) => `${isSubdir(e) ? e.subdir : e.name}\n`).join('');
}

export function renderContainerListing(
  type: ListingType,
  container: string,
  entries: Listed<ObjectRecord>[],
): string {
  if (type === 'application/json') return JSON.stringify(entries);
  if (type.endsWith('/xml')) {
    const items = entries.map((e) =>
      isSubdir(e)
        ? `<subdir name="${escapeXml(e.subdir)}"><name>${escapeXml(e.subdir)}</name></subdir>`
        : `<object><name>${escapeXml(e.name)}</name><hash>${e.hash}</hash><bytes>${e.bytes}</bytes><content_type>${escapeXml(e.content_type)}</content_type><last_modified>${e.last_modified}</last_modified></object>`,
    );
    return `${XML_DECLARATION}<container name="${escapeXml(container)}">${items.join('')}</container>`;
  }
  return entries.map((e) => `${isSubdir(e) ? e.subdir : e.name}\n`).join('');
}
