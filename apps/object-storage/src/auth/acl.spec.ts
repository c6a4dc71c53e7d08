import { DomainError } from '@stratus/platform';
import { cleanAcl, parseAcl, referrerAllowed } from './acl';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return `${error.status} ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('container ACLs', () => {
  it('normalises referrer rules as Swift does', () => {
    expect(cleanAcl('X-Container-Read', ' .r:*, .rlistings ,p:u')).toBe('.r:*,.rlistings,p:u');
    expect(cleanAcl('X-Container-Read', '.ref:*.example.com,.referrer:-bad.com')).toBe(
      '.r:.example.com,.r:-bad.com',
    );
  });

  it('refuses what Swift refuses, with its words', () => {
    expect(refusal(() => cleanAcl('X-Container-Write', '.r:*'))).toBe(
      "400 Referrers not allowed in write ACL: '.r:*'",
    );
    expect(refusal(() => cleanAcl('X-Container-Read', '.r:'))).toBe(
      "400 No host/domain value after referrer designation in ACL: '.r:'",
    );
    expect(refusal(() => cleanAcl('X-Container-Read', '.x:y'))).toBe(
      "400 Unknown designator '.x' in ACL: '.x:y'",
    );
  });

  it('splits referrers from grants', () => {
    expect(parseAcl('.r:*,.rlistings,proj:*')).toEqual({
      referrers: ['*'],
      groups: ['.rlistings', 'proj:*'],
    });
    expect(parseAcl(null)).toEqual({ referrers: [], groups: [] });
  });

  it('matches referrers with later rules winning and domains matching subdomains', () => {
    expect(referrerAllowed(undefined, ['*'])).toBe(true);
    expect(referrerAllowed('http://www.example.com/page', ['.example.com'])).toBe(true);
    expect(referrerAllowed('http://bad.example.com/', ['.example.com', '-bad.example.com'])).toBe(false);
    expect(referrerAllowed('http://other.org/', ['.example.com'])).toBe(false);
    expect(referrerAllowed(undefined, [])).toBe(false);
  });
});
