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
