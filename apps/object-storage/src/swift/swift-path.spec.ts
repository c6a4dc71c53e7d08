import { DomainError } from '@stratus/platform';
import { parseObjectReference, parseSwiftPath } from './swift-path';
import { lastModified, listingTimestamp, xTimestamp } from './timestamps';

describe('Swift paths', () => {
  it('splits like split_path, keeping every slash of the object name', () => {
    expect(parseSwiftPath('/v1/AUTH_p')).toEqual({ version: 'v1', account: 'AUTH_p' });
    expect(parseSwiftPath('/v1/AUTH_p/')).toEqual({ version: 'v1', account: 'AUTH_p' });
    expect(parseSwiftPath('/v1/AUTH_p/c/')).toEqual({ version: 'v1', account: 'AUTH_p', container: 'c' });
    expect(parseSwiftPath('/v1/AUTH_p/c/a//b/')).toMatchObject({ container: 'c', object: 'a//b/' });
    expect(parseSwiftPath('/v1/AUTH_p/c%2Fd/%C3%A9')).toMatchObject({ container: 'c', object: 'd/é' });
  });

  it('refuses invalid UTF-8 and NUL with 412', () => {
    for (const path of ['/v1/AUTH_p/c/%FF', '/v1/AUTH_p/c/a%00b']) {
      expect(() => parseSwiftPath(path)).toThrow(DomainError);
      try {
        parseSwiftPath(path);
      } catch (error) {
        expect((error as DomainError).status).toBe(412);
      }
    }
  });

  it('reads copy headers with or without the leading slash', () => {
    expect(parseObjectReference('/c/o%20x', 'bad')).toEqual({ container: 'c', object: 'o x' });
    expect(parseObjectReference('c/d/e', 'bad')).toEqual({ container: 'c', object: 'd/e' });
    expect(() => parseObjectReference('c', 'bad')).toThrow('bad');
  });
});

describe('Swift timestamps', () => {
  it('formats X-Timestamp, Last-Modified (rounded up) and listing times', () => {
    const micros = 1_700_000_000_123_450;
    expect(xTimestamp(micros)).toBe('1700000000.12345');
    expect(lastModified(micros)).toBe('Tue, 14 Nov 2023 22:13:21 GMT');
    expect(listingTimestamp(micros)).toBe('2023-11-14T22:13:20.123450');
  });
});
