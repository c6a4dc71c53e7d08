import { DomainError } from '@stratus/platform';
import { ApiVersion } from './api-version';
import { ListSpec, nextLinks, parseListRequest, parseMetadataFilter } from './list-params';

const spec: ListSpec = {
  alias: 'v',
  sortKeys: { id: 'v.id', name: 'v.name', created_at: 'v.created_at' },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    name: { type: 'string', sql: 'v.name' },
    bootable: { type: 'boolean', sql: 'v.bootable' },
    size: { type: 'integer', sql: 'v.size' },
    metadata: { type: 'metadata', table: 'volume_metadata', ownerColumn: 'volume_id' },
    glance_metadata: {
      type: 'metadata',
      table: 'glance_metadata',
      ownerColumn: 'resource_id',
      minVersion: '3.4',
    },
    created_at: { type: 'time', sql: 'v.created_at' },
  },
  markerNotFound: (marker) => new DomainError('NOT_FOUND' as never, marker),
};

const parse = (query: string, version = '3.70', isAdmin = false) =>
  parseListRequest(new URLSearchParams(query), spec, {
    version: ApiVersion.parse(version),
    isAdmin,
    maxLimit: 100,
  });

describe('Cinder list queries', () => {
  it('reads filters, sorting, paging and counting', () => {
    const request = parse(
      "name=a&bootable=yes&size=2&metadata={'k': 'v'}&sort=name:asc,id&limit=5&marker=m&with_count=true",
    );
    expect(request.filters.map((f) => [f.name, f.mode, f.values, f.metadata])).toEqual([
      ['name', 'eq', ['a'], undefined],
      ['bootable', 'eq', [true], undefined],
      ['size', 'eq', [2], undefined],
      ['metadata', 'eq', [], { k: 'v' }],
    ]);
    expect(request.sort).toEqual([
      { sql: 'v.name', descending: false },
      { sql: 'v.id', descending: true },
    ]);
    expect(request).toMatchObject({
      limit: 5,
      limited: true,
      marker: 'm',
      withCount: true,
      allTenants: false,
    });
  });

  it('keeps the legacy sort_key/sort_dir, caps the limit and defaults to newest first', () => {
    expect(parse('sort_key=name&sort_dir=asc').sort).toEqual([{ sql: 'v.name', descending: false }]);
    expect(parse('').sort).toEqual([{ sql: 'v.created_at', descending: true }]);
    expect(parse('limit=5000')).toMatchObject({ limit: 100, limited: true });
    expect(parse('')).toMatchObject({ limit: 100, limited: false });
  });

  it('reads LIKE filters from 3.34 and time comparisons from 3.60', () => {
    expect(parse('name~=ab').filters[0]).toMatchObject({ mode: 'like', values: ['ab'] });
    expect(() => parse('name~=ab', '3.33')).toThrow(DomainError);
    const [created] = parse('created_at=gte:2024-01-01T00:00:00,lt:2024-02-01T00:00:00Z').filters;
    expect(created.comparisons).toEqual([
      { op: 'gte', value: new Date('2024-01-01T00:00:00Z') },
      { op: 'lt', value: new Date('2024-02-01T00:00:00Z') },
    ]);
    expect(() => parse('created_at=after:2024-01-01')).toThrow(DomainError);
  });

  it('ignores unknown filters before 3.31 and refuses them after, as Cinder does', () => {
    expect(parse('colour=red', '3.30').filters).toEqual([]);
    expect(parse('glance_metadata={}', '3.3').filters).toEqual([]);
    expect(() => parse('colour=red', '3.31')).toThrow(/Invalid filters colour/);
  });

  it('refuses bad paging and sorting', () => {
    for (const query of [
      'limit=-1',
      'limit=x',
      'offset=-2',
      'sort=colour',
      'sort=name:up',
      'sort=name&sort_key=id',
      'bootable=maybe',
    ]) {
      expect(() => parse(query)).toThrow(DomainError);
    }
  });

  it('lets only admins look at all projects', () => {
    expect(parse('all_tenants=1').allTenants).toBe(false);
    expect(parse('all_tenants=1', '3.0', true).allTenants).toBe(true);
    expect(parse('project_id=p', '3.0', true)).toMatchObject({ allTenants: true, projectId: 'p' });
  });

  it('reads JSON and Python dict literals as metadata filters', () => {
    expect(parseMetadataFilter('{"a": "1"}', 'metadata')).toEqual({ a: '1' });
    expect(parseMetadataFilter("{'a': 2}", 'metadata')).toEqual({ a: '2' });
    expect(() => parseMetadataFilter('a=1', 'metadata')).toThrow(DomainError);
  });

  it('links the next page with the last id as marker while more rows follow', () => {
    const request = parse('limit=2&name=a');
    expect(
      nextLinks('http://h/v3/p/volumes', request, { rows: [{ id: 'x' }, { id: 'y' }], hasMore: true }),
    ).toEqual([{ rel: 'next', href: 'http://h/v3/p/volumes?limit=2&name=a&marker=y' }]);
    expect(nextLinks('http://h', request, { rows: [{ id: 'x' }], hasMore: false })).toEqual([]);
  });
});
