import { RevocationList } from './revocation-list';
import type { TokenClaims } from './token';

const issued = Date.parse('2026-11-26T12:00:00Z');
const claims: TokenClaims = {
  userId: 'u1',
  methods: ['password'],
  projectId: 'p1',
  roles: [{ id: 'r1', name: 'member' }],
  issuedAt: issued,
  expiresAt: issued + 3_600_000,
  auditIds: ['audit-new', 'audit-chain'],
};
const after = new Date(issued + 1).toISOString();
const before = new Date(issued - 1).toISOString();

describe('RevocationList', () => {
  it.each([
    ['the token itself', { auditId: 'audit-new' }],
    ['the token it was rescoped from', { auditChainId: 'audit-chain' }],
    ['its user', { userId: 'u1' }],
    ['its project', { projectId: 'p1' }],
    ['its user on its project', { userId: 'u1', projectId: 'p1' }],
    ['a role it carries', { roleId: 'r1' }],
  ])('revokes a token issued before an event on %s', (_what, match) => {
    const list = new RevocationList();
    list.add({ id: 'e', issuedBefore: after, ...match });
    expect(list.isRevoked(claims)).toBe(true);
  });

  it.each([
    ['another token', { auditId: 'audit-other' }],
    ['another user', { userId: 'u2' }],
    ['the user on another project', { userId: 'u1', projectId: 'p2' }],
    ['a role it does not carry', { roleId: 'r2' }],
    ['an application credential it does not use', { applicationCredentialId: 'ac' }],
  ])('leaves a token alone for an event on %s', (_what, match) => {
    const list = new RevocationList();
    list.add({ id: 'e', issuedBefore: after, ...match });
    expect(list.isRevoked(claims)).toBe(false);
  });

  it('leaves tokens issued after the event alone', () => {
    const list = new RevocationList();
    list.add({ id: 'e', issuedBefore: before, userId: 'u1' });
    expect(list.isRevoked(claims)).toBe(false);
  });

  it('counts an event delivered twice once', () => {
    const list = new RevocationList();
    list.add({ id: 'e', issuedBefore: after, userId: 'u1' });
    list.add({ id: 'e', issuedBefore: after, userId: 'u1' });
    expect(list.size).toBe(1);
  });
});
