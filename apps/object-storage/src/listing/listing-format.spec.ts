import { bestMatch, renderAccountListing, renderContainerListing } from './listing-format';

describe('listing formats', () => {
  const offers = ['text/plain', 'application/json', 'application/xml', 'text/xml'] as const;

  it('negotiates like webob: highest q, then the first offer', () => {
    expect(bestMatch('*/*', offers)).toBe('text/plain');
    expect(bestMatch('application/json', offers)).toBe('application/json');
    expect(bestMatch('text/*;q=0.5, application/xml', offers)).toBe('application/xml');
    expect(bestMatch('image/png', offers)).toBeUndefined();
  });

  it('writes the three formats Swift writes', () => {
    const objects = [
      { subdir: 'd/' },
      {
        bytes: 3,
        hash: 'h',
        name: 'a&b',
        content_type: 'text/plain',
        last_modified: '2024-01-01T00:00:00.000000',
      },
    ];
    expect(renderContainerListing('text/plain', 'c', objects)).toBe('d/\na&b\n');
    expect(JSON.parse(renderContainerListing('application/json', 'c', objects))).toEqual(objects);
    expect(renderContainerListing('application/xml', 'c', objects)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<container name="c"><subdir name="d/"><name>d/</name></subdir>' +
        '<object><name>a&amp;b</name><hash>h</hash><bytes>3</bytes><content_type>text/plain</content_type>' +
        '<last_modified>2024-01-01T00:00:00.000000</last_modified></object></container>',
    );
    expect(
      renderAccountListing('text/xml', 'AUTH_p', [{ name: 'c', count: 1, bytes: 2, last_modified: 't' }]),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<account name="AUTH_p">\n' +
        '<container><name>c</name><count>1</count><bytes>2</bytes><last_modified>t</last_modified></container>\n</account>',
    );
  });
});
