import { conditionalStatus, etagListMatches } from './conditions';

const ETAG = '900150983cd24fb0d6963f7d28e17f72';
const MODIFIED = Date.UTC(2024, 0, 2) / 1000;
const day = (d: number) => new Date(Date.UTC(2024, 0, d)).toUTCString();

describe('conditional requests', () => {
  it('matches quoted and bare etags and "*"', () => {
    expect(etagListMatches(`"${ETAG}"`, ETAG)).toBe(true);
    expect(etagListMatches(`x, ${ETAG}`, ETAG)).toBe(true);
    expect(etagListMatches('*', ETAG)).toBe(true);
    expect(etagListMatches('"other"', ETAG)).toBe(false);
  });

  it('checks If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since in swob order', () => {
    expect(conditionalStatus({ ifMatch: 'nope' }, ETAG, MODIFIED)).toBe(412);
    expect(conditionalStatus({ ifMatch: ETAG }, ETAG, MODIFIED)).toBeUndefined();
    expect(conditionalStatus({ ifNoneMatch: `"${ETAG}"` }, ETAG, MODIFIED)).toBe(304);
    expect(conditionalStatus({ ifModifiedSince: day(3) }, ETAG, MODIFIED)).toBe(304);
    expect(conditionalStatus({ ifModifiedSince: day(1) }, ETAG, MODIFIED)).toBeUndefined();
    expect(conditionalStatus({ ifUnmodifiedSince: day(1) }, ETAG, MODIFIED)).toBe(412);
    expect(conditionalStatus({ ifUnmodifiedSince: 'not a date' }, ETAG, MODIFIED)).toBeUndefined();
    expect(conditionalStatus({ ifMatch: 'nope', ifNoneMatch: ETAG }, ETAG, MODIFIED)).toBe(412);
  });
});
