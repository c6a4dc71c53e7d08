import { DomainError, notFound } from '@stratus/platform';
import { ListSpec, pageLinks, parseListRequest, selectFields } from './list-query';

const spec: ListSpec = {
  alias: 'n',
  attributes: {
    id: { sql: 'n.id', type: 'string' },
    name: { sql: 'n.name', type: 'string' },
    project_id: { sql: 'n.project_id', type: 'string' },
    shared: { sql: 'n.shared', type: 'boolean' },
    'provider:network_type': { sql: 'n.network_type', type: 'string', adminOnly: true },
    created_at: { sql: 'n.created_at', type: 'string', sortOnly: true },
  },
  tagged: true,
  notFound: (id) => notFound(`Network ${id} could not be found.`, 'NetworkNotFound'),
};

const parse = (query: string, isAdmin = false) => parseListRequest(new URLSearchParams(query), spec, isAdmin);

describe('list queries', () => {
  it('reads repeated filters, fields, sorting, paging and tag filters', () => {
    const request = parse(
      'name=a&name=b&tenant_id=p&fields=id&fields=name,shared&sort_key=name&sort_dir=desc&limit=5&marker=m&page_reverse=True&tags=x,y&not-tags-any=z',
    );
    expect(request.filters).toEqual(
      new Map([
        ['name', ['a', 'b']],
        ['project_id', ['p']],
      ]),
    );
    expect(request.fields).toEqual(['id', 'name', 'shared']);
    expect(request.sort).toEqual([{ attribute: 'name', descending: true }]);
    expect(request).toMatchObject({ limit: 5, marker: 'm', pageReverse: true });
    expect(request.tags).toEqual({ all: ['x', 'y'], any: [], notAll: [], notAny: ['z'] });
  });

  it('refuses unknown filters and sort keys, admin-only ones to others, and bad limits', () => {
    const fails = (query: string, isAdmin = false) => {
      expect(() => parse(query, isAdmin)).toThrow(DomainError);
    };
    fails('colour=red');
    fails('created_at=2020');
    fails('provider:network_type=vlan');
    expect(parse('provider:network_type=vlan', true).filters.get('provider:network_type')).toEqual(['vlan']);
    fails('sort_key=colour');
    fails('sort_key=name&sort_key=id&sort_dir=asc');
    fails('limit=-1');
    fails('page_reverse=perhaps');
    expect(parse('limit=0').limit).toBeUndefined();
  });

  it('keeps only the requested fields', () => {
    expect(selectFields({ id: 1, name: 'n', shared: false }, ['name', 'missing'])).toEqual({ name: 'n' });
    expect(selectFields({ id: 1 }, undefined)).toEqual({ id: 1 });
  });

  it('links the next page while more rows follow, and the previous one after a marker', () => {
    const base = 'http://h/v2.0/networks';
    expect(pageLinks(base, parse('limit=2'), { ids: ['a', 'b'], hasMore: true })).toEqual([
      { rel: 'next', href: `${base}?limit=2&marker=b` },
    ]);
    expect(pageLinks(base, parse('limit=2&marker=b'), { ids: ['c'], hasMore: false })).toEqual([
      { rel: 'previous', href: `${base}?limit=2&marker=c&page_reverse=True` },
    ]);
    expect(pageLinks(base, parse(''), { ids: ['a'], hasMore: false })).toEqual([]);
  });
});
