import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRepository } from './key-repository';
import { TokenClaims, TokenCodec } from './token';

describe('TokenCodec', () => {
  const folder = mkdtempSync(join(tmpdir(), 'token-spec-'));
  KeyRepository.ensure(folder);
  let keys = KeyRepository.load(folder);
  const codec = new TokenCodec(() => keys);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const claims: TokenClaims = {
    userId: 'a'.repeat(32),
    methods: ['password', 'token'],
    projectId: 'b'.repeat(32),
    roles: [
      { id: 'c'.repeat(32), name: 'member' },
      { id: 'd'.repeat(32), name: 'reader' },
    ],
    issuedAt: 1_795_000_000_123,
    expiresAt: 1_795_003_600_123,
    auditIds: ['audit-1', 'audit-0'],
  };

  it('carries every claim through encryption', () => {
    expect(codec.decode(codec.encode(claims))).toEqual({
      ...claims,
      domainId: undefined,
      system: undefined,
      applicationCredentialId: undefined,
    });
  });

  it('carries domain, system and application credential scopes', () => {
    const decoded = codec.decode(
      codec.encode({ ...claims, projectId: undefined, system: true, applicationCredentialId: 'ac' }),
    );
    expect(decoded).toMatchObject({ system: true, applicationCredentialId: 'ac', projectId: undefined });
  });

  it('still reads tokens of the previous primary after a rotation, and not after it is retired', () => {
    const before = codec.encode(claims);
    KeyRepository.rotate(folder, 3);
    keys = KeyRepository.load(folder);
    expect(codec.decode(before)?.userId).toBe(claims.userId);
    KeyRepository.rotate(folder, 3);
    KeyRepository.rotate(folder, 3);
    keys = KeyRepository.load(folder);
    expect(codec.decode(before)).toBeUndefined();
  });

  it('decodes nothing from strings that are not tokens', () => {
    expect(codec.decode('short')).toBeUndefined();
    expect(codec.decode('x'.repeat(5000))).toBeUndefined();
  });
});
