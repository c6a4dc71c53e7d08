import { Injectable } from '@nestjs/common';
import { TokenRevocationEvent, TokenRevoked } from '@stratus/contracts';
import { BusService, TokenValidator } from '@stratus/platform';
import { newId } from './keystone-http';

type Match = Omit<TokenRevocationEvent, 'id' | 'issuedBefore'>;

/**
 * Publishes revocation events (Keystone's revoke model) to JetStream for every validating service,
 * and applies them here at once so this replica refuses the token before the stream echoes back.
 */
@Injectable()
export class RevocationsService {
  constructor(
    private readonly bus: BusService,
    private readonly validator: TokenValidator,
  ) {}

  async revoke(match: Match): Promise<void> {
    const event: TokenRevocationEvent = { id: newId(), issuedBefore: new Date().toISOString(), ...match };
    this.validator.noteRevocation(event);
    await this.bus.publishDurable(TokenRevoked, event);
  }

  async revokeAll(matches: Match[]): Promise<void> {
    for (const match of matches) await this.revoke(match);
  }
}
