import { KeyRepository } from './key-repository';

export type AuthMethod = 'password' | 'token' | 'application_credential';

export interface RoleRef {
  id: string;
  name: string;
}

/** What a token says about its bearer. Scope is one of project, domain, system, or none (unscoped). */
export interface TokenClaims {
  userId: string;
  methods: AuthMethod[];
  projectId?: string;
  domainId?: string;
  system?: boolean;
  roles: RoleRef[];
  /** Milliseconds since the epoch: revocations compare at this precision. */
  issuedAt: number;
  expiresAt: number;
  /** [this token's audit id, the audit id of the token it was rescoped from, if any]. */
  auditIds: string[];
  applicationCredentialId?: string;
}

const METHOD_BITS: Record<AuthMethod, number> = { password: 1, token: 2, application_credential: 4 };

/** Compact wire form inside the encrypted token: short keys keep tokens short. */
interface WireClaims {
  u: string;
  m: number;
  p?: string;
  d?: string;
  s?: 1;
  r: [string, string][];
  i: number;
  e: number;
  a: string[];
  c?: string;
}

export class TokenCodec {
  constructor(private readonly keys: () => KeyRepository) {}

  encode(claims: TokenClaims): string {
    const wire: WireClaims = {
      u: claims.userId,
      m: claims.methods.reduce((bits, m) => bits | METHOD_BITS[m], 0),
      r: claims.roles.map((r) => [r.id, r.name]),
      i: claims.issuedAt,
      e: claims.expiresAt,
      a: claims.auditIds,
    };
    if (claims.projectId) wire.p = claims.projectId;
    if (claims.domainId) wire.d = claims.domainId;
    if (claims.system) wire.s = 1;
    if (claims.applicationCredentialId) wire.c = claims.applicationCredentialId;
    // Keystone strips the base64 padding so tokens are URL-safe as they are.
    return this.keys().primary.encrypt(Buffer.from(JSON.stringify(wire)), claims.issuedAt);
  }

  /** Returns the claims, or undefined when no key in the repository made this token. Expiry is not checked here. */
  decode(token: string): TokenClaims | undefined {
    if (token.length < 60 || token.length > 4096) return undefined;
    const plaintext = this.keys().decrypt(token);
    if (!plaintext) return undefined;
    const wire = JSON.parse(plaintext.toString('utf8')) as WireClaims;
    const methods = (Object.keys(METHOD_BITS) as AuthMethod[]).filter((m) => wire.m & METHOD_BITS[m]);
    return {
      userId: wire.u,
      methods,
      projectId: wire.p,
      domainId: wire.d,
      system: wire.s === 1 || undefined,
      roles: wire.r.map(([id, name]) => ({ id, name })),
      issuedAt: wire.i,
      expiresAt: wire.e,
      auditIds: wire.a,
      applicationCredentialId: wire.c,
    };
  }
}
