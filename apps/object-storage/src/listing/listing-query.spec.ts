import { isSubdir, KeyRange, listEntries, ListingQuery } from './listing-query';
import { nameKey } from './name-key';

/** A container's names in byte order, answered the way the database query does. */
function table(names: string[]) {
  const rows = names.map((name) => ({ name, key: nameKey(name) })).sort((a, b) => (a.key < b.key ? -1 : 1));
  return async (range: KeyRange) => {
    const matching = rows.filter(
      (r) =>
        (range.gt === undefined || r.key > range.gt) &&
        (range.gte === undefined || r.key >= range.gte) &&
        (range.lt === undefined || r.key < range.lt),
    );
    return (range.descending ? matching.reverse() : matching).slice(0, range.limit);
  };
}

const NAMES = ['a/1', 'a/2', 'a/b/3', 'b', 'c/', 'c/x', 'é', 'Z'];

async function list(query: Partial<ListingQuery>): Promise<string[]> {
  const entries = await listEntries({ limit: 10000, reverse: false, ...query }, table(NAMES));
  return entries.map((e) => (isSubdir(e) ? `[${e.subdir}]` : e.name));
}

describe('listings as Swift builds them', () => {
  it('orders by bytes, so upper case sorts first and UTF-8 last', async () => {
    expect(await list({})).toEqual(['Z', 'a/1', 'a/2', 'a/b/3', 'b', 'c/', 'c/x', 'é']);
  });

  it('pages with limit, marker and end_marker, and reverses', async () => {
    expect(await list({ limit: 2, marker: 'a/1' })).toEqual(['a/2', 'a/b/3']);
    expect(await list({ marker: 'a/2', endMarker: 'c/' })).toEqual(['a/b/3', 'b']);
    expect(await list({ reverse: true, limit: 3 })).toEqual(['é', 'c/x', 'c/']);
    expect(await list({ reverse: true, marker: 'b', endMarker: 'a/1' })).toEqual(['a/b/3', 'a/2']);
  });

  it('filters by prefix and rolls names up at the delimiter', async () => {
    expect(await list({ prefix: 'a/' })).toEqual(['a/1', 'a/2', 'a/b/3']);
    expect(await list({ delimiter: '/' })).toEqual(['Z', '[a/]', 'b', '[c/]', 'é']);
    expect(await list({ prefix: 'a/', delimiter: '/' })).toEqual(['a/1', 'a/2', '[a/b/]']);
    expect(await list({ delimiter: '/', reverse: true })).toEqual(['é', '[c/]', 'b', '[a/]', 'Z']);
    expect(await list({ delimiter: '/', marker: 'a/' })).toEqual(['b', '[c/]', 'é']);
    expect(await list({ delimiter: '/', limit: 2 })).toEqual(['Z', '[a/]']);
  });

  it('lists only the direct children of a path', async () => {
    expect(await list({ path: 'a' })).toEqual(['a/1', 'a/2']);
    expect(await list({ path: 'c' })).toEqual(['c/x']);
  });
});
