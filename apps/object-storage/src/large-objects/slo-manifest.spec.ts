import { DomainError } from '@stratus/platform';
import { createHash } from 'node:crypto';
import { parseManifestInput, rawManifest, segmentPath, sloEtag, StoredSegment } from './slo-manifest';

const self = { container: 'c', object: 'big' };
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function problems(body: unknown): string {
  try {
    parseManifestInput(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), self);
  } catch (error) {
    if (error instanceof DomainError) return `${error.status} ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('static large object manifests', () => {
  it('accepts path and data segments', () => {
    expect(
      problems([
        { path: '/s/1', etag: null, size_bytes: 5 },
        { data: 'aGk=' },
        { path: 's/2', range: '0-1' },
      ]),
    ).toBe('accepted');
  });

  it('lists every problem as Swift words it', () => {
    expect(problems('nope')).toBe('400 Manifest must be valid JSON.\n');
    expect(problems({})).toBe('400 Manifest must be a list.\n');
    expect(
      problems([
        1,
        { path: '/c/big' },
        { path: 'x', size_bytes: 0, extra: 1 },
        { path: '/s/o', range: '1-2,3-4' },
      ]),
    ).toBe(
      '400 Index 0: not a JSON object\n' +
        'Index 1: manifest must not include itself as a segment\n' +
        'Index 2: extraneous keys "extra"\n' +
        'Index 2: too small; each segment must be at least 1 byte.\n' +
        'Index 2: path does not refer to an object. Path must be of the form /container/object.\n' +
        'Index 3: multiple ranges (only one allowed)\n',
    );
    expect(problems(Array.from({ length: 1001 }, () => ({ path: '/s/o' })))).toBe(
      '413 Number of segments must be <= 1000',
    );
  });

  it('computes the ETag from segment etags, ranges and data', () => {
    const segments: StoredSegment[] = [
      { name: '/s/1', bytes: 1, hash: 'aa', content_type: 't', last_modified: 'x' },
      { name: '/s/2', bytes: 9, hash: 'bb', content_type: 't', last_modified: 'x', range: '0-3' },
      { data: Buffer.from('hi').toString('base64') },
    ];
    expect(sloEtag(segments)).toBe(md5(`aabb:0-3;${md5('hi')}`));
    expect(rawManifest(segments)[1]).toEqual({ path: '/s/2', etag: 'bb', size_bytes: 9, range: '0-3' });
    expect(segmentPath('/s/a/b')).toEqual({ container: 's', object: 'a/b' });
    expect(segmentPath('/s/')).toBeUndefined();
  });
});
