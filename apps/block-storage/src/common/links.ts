/** Cinder's self and bookmark links of a resource. */
export function resourceLinks(
  baseUrl: string,
  projectId: string,
  collection: string,
  id: string,
): { href: string; rel: 'self' | 'bookmark' }[] {
  return [
    { href: `${baseUrl}/v3/${projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${baseUrl}/${projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

/** The collection URL as the client addressed it, for next links. */
export function collectionUrl(baseUrl: string, projectId: string, path: string): string {
  return `${baseUrl}/v3/${projectId}/${path}`;
}
