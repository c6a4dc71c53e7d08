import { parseRange } from '../image-data/image-data.service';
import { virtualSizeOf } from '../image-data/format-inspection';
import { parsePatch } from './json-patch';
import { parseListQuery, splitFilterOp, splitFilterValues } from './list-query';

describe('image request parsing', () => {
  it('reads Range headers as Glance does', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-4', 10)).toEqual({ start: 0, end: 4 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    for (const bad of ['bytes=10-', 'bytes=5-2', 'bytes=-0', 'bytes=0-1,3-4', 'items=0-1', 'bytes=-']) {
      expect(() => parseRange(bad, 10)).toThrow(expect.objectContaining({ status: 416 }));
    }
  });

  it('splits filter operators and quoted in: lists', () => {
    expect(splitFilterOp('in:a,b')).toEqual(['in', 'a,b']);
    expect(splitFilterOp('plain')).toEqual(['eq', 'plain']);
    expect(splitFilterOp('2024-01-02T03:04:05Z')).toEqual(['eq', '2024-01-02T03:04:05Z']);
    expect(splitFilterValues('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
    expect(() => splitFilterValues('"open')).toThrow();
  });

  it('parses list queries with both sorting syntaxes', () => {
    const query = parseListQuery({
      sort: 'name:asc,size',
      tag: ['x', 'y'],
      size_min: '5',
      hw_arch: 'x86_64',
    });
    expect(query.sortKeys).toEqual(['name', 'size']);
    expect(query.sortDirs).toEqual(['asc', 'desc']);
    expect(query.tags).toEqual(['x', 'y']);
    expect(query.filters).toEqual([
      { kind: 'range', column: 'size', op: 'gte', value: 5 },
      { kind: 'property', name: 'hw_arch', value: 'x86_64' },
    ]);
    expect(() => parseListQuery({ sort_key: 'name', sort_dir: ['asc', 'desc', 'asc'] })).toThrow();
  });

  it('parses JSON-patch documents of both drafts', () => {
    expect(parsePatch([{ op: 'add', path: '/a~1b', value: 'x' }], 10)).toEqual([
      { op: 'add', path: ['a/b'], value: 'x', draft: 10 },
    ]);
    expect(parsePatch([{ remove: '/x' }], 4)).toEqual([{ op: 'remove', path: ['x'], draft: 4 }]);
    expect(() => parsePatch([{ add: '/x', remove: '/y' }], 4)).toThrow();
  });

  it('reads the qcow2 virtual size and leaves unknown formats null', () => {
    const head = Buffer.alloc(64);
    head.writeUInt32BE(0x514649fb, 0);
    head.writeUInt32BE(2, 4);
    head.writeBigUInt64BE(BigInt(1) << BigInt(34), 24);
    expect(virtualSizeOf('qcow2', head, 64)).toBe(2 ** 34);
    expect(virtualSizeOf('qcow2', Buffer.alloc(64), 64)).toBeNull();
    expect(virtualSizeOf('raw', head, 64)).toBe(64);
    expect(virtualSizeOf('vmdk', head, 64)).toBeNull();
  });
});
