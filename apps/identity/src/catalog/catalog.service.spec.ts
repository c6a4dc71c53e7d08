import { catalogForProject, CatalogEntry } from './catalog.service';

describe('catalog for a token', () => {
  const endpoint = (url: string) => ({ id: url, interface: 'public', region: null, region_id: null, url });
  const catalog: CatalogEntry[] = [
    {
      id: 'v',
      type: 'block-storage',
      name: 'cinderv3',
      endpoints: [endpoint('http://h:8776/v3/%(project_id)s')],
    },
    {
      id: 's',
      type: 'object-store',
      name: 'swift',
      endpoints: [endpoint('http://h:8080/v1/AUTH_$(tenant_id)s')],
    },
    { id: 'c', type: 'compute', name: 'nova', endpoints: [endpoint('http://h:8774/v2.1')] },
  ];

  it("fills the project placeholders with the token's project", () => {
    const urls = catalogForProject(catalog, 'p1').map((e) => e.endpoints[0]?.url);
    expect(urls).toEqual(['http://h:8776/v3/p1', 'http://h:8080/v1/AUTH_p1', 'http://h:8774/v2.1']);
  });

  it('leaves out endpoints that need a project when the token has none', () => {
    expect(catalogForProject(catalog, undefined).map((e) => e.endpoints.length)).toEqual([0, 0, 1]);
  });
});
