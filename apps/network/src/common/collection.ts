import { ListRequest, Page, pageLinks, selectFields } from './list-query';
import type { ListContext } from './neutron-http';

/** `{"<collection>": [...], "<collection>_links": [...]}` with `fields=` applied. */
export function collectionBody(
  name: string,
  views: Record<string, unknown>[],
  page: Page<{ id: string }>,
  request: ListRequest,
  context: ListContext,
): Record<string, unknown> {
  const body: Record<string, unknown> = { [name]: views.map((view) => selectFields(view, request.fields)) };
  const links = pageLinks(context.collectionUrl, request, {
    ids: page.rows.map((row) => row.id),
    hasMore: page.hasMore,
  });
  if (links.length) body[`${name}_links`] = links;
  return body;
}
