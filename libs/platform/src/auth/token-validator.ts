import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IDENTITY_REVOCATION_STREAM, TokenRevocationEvent, TokenRevoked } from '@stratus/contracts';
import { statSync } from 'node:fs';
import { BusService } from '../bus/bus.service';
import { unauthorized } from '../errors/domain-error';
import { ReadinessChecks } from '../health/readiness';
import { AuthContext } from './auth-context';
import { KeyRepository } from './key-repository';
import { RevocationList } from './revocation-list';
import { TokenClaims, TokenCodec } from './token';

export interface TokenValidatorOptions {
  keyRepository: string;
  tokenExpirationSeconds: number;
  /** How often the key folder is checked for rotated keys. */
  keyReloadIntervalMs?: number;
}

/**
 * Validates tokens locally: decrypt with the shared key repository, check expiry, check the
 * revocation events that identity publishes on JetStream. No request goes to identity.
 */
@Injectable()
export class TokenValidator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TokenValidator');
  private keys: KeyRepository;
  private keysStamp: number;
  private reloadTimer?: NodeJS.Timeout;
  private caughtUp = false;
  readonly revocations = new RevocationList();
  readonly codec = new TokenCodec(() => this.keys);

  constructor(
    private readonly options: TokenValidatorOptions,
    private readonly bus: BusService,
    readiness: ReadinessChecks,
  ) {
    KeyRepository.ensure(options.keyRepository);
    this.keys = KeyRepository.load(options.keyRepository);
    this.keysStamp = this.folderStamp();
    readiness.register({ name: 'revocations', isReady: () => this.caughtUp });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureStream(IDENTITY_REVOCATION_STREAM, [TokenRevoked], this.revocationRetentionMs());
    await this.bus.follow(
      IDENTITY_REVOCATION_STREAM,
      TokenRevoked,
      (event) => this.revocations.add(event),
      () => (this.caughtUp = true),
    );
    this.reloadTimer = setInterval(
      () => this.reloadKeysIfChanged(),
      this.options.keyReloadIntervalMs ?? 5000,
    );
    this.reloadTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
  }

  /** Revocations live as long as the longest-lived token they could match. */
  revocationRetentionMs(): number {
    return (this.options.tokenExpirationSeconds + 600) * 1000;
  }

  /** Records a revocation locally at once, before the stream echoes it back. */
  noteRevocation(event: TokenRevocationEvent): void {
    this.revocations.add(event);
  }

  /** Returns the claims of a valid token, or undefined. */
  check(token: string, now = Date.now()): TokenClaims | undefined {
    let claims: TokenClaims | undefined;
    try {
      claims = this.codec.decode(token);
    } catch {
      return undefined;
    }
    if (!claims || claims.expiresAt <= now) return undefined;
    if (this.revocations.isRevoked(claims)) return undefined;
    return claims;
  }

  validate(token: string | undefined): AuthContext {
    if (!token) throw unauthorized();
    const claims = this.check(token);
    if (!claims) throw unauthorized('The request you have made requires authentication.');
    return new AuthContext(token, claims);
  }

  reloadKeysIfChanged(): void {
    const stamp = this.folderStamp();
    if (stamp === this.keysStamp) return;
    try {
      this.keys = KeyRepository.load(this.options.keyRepository);
      this.keysStamp = stamp;
      this.logger.log('token keys reloaded');
    } catch (error) {
      this.logger.error(`token keys not reloaded: ${String(error)}`);
    }
  }

  private folderStamp(): number {
    return statSync(this.options.keyRepository).mtimeMs;
  }
}
