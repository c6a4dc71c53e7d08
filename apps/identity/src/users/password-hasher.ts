import { Inject, Injectable } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { IDENTITY_CONFIG } from '../identity.tokens';
import type { IdentityConfig } from '../config/identity-config';

/** bcrypt on libuv's thread pool, so hashing never blocks the event loop. */
@Injectable()
export class PasswordHasher {
  /** Compared against when the user does not exist, so a wrong name costs as long as a wrong password. */
  private readonly decoy: Promise<string>;

  constructor(@Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig) {
    this.decoy = hash('decoy-password', config.IDENTITY_PASSWORD_HASH_ROUNDS);
  }

  hash(secret: string): Promise<string> {
    return hash(secret, this.config.IDENTITY_PASSWORD_HASH_ROUNDS);
  }

  async verify(secret: string, digest: string | null | undefined): Promise<boolean> {
    if (!digest) {
      await compare(secret, await this.decoy);
      return false;
    }
    return compare(secret, digest);
  }
}
