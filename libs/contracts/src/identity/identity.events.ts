import { event } from '../common/rpc';

/** The JetStream stream that keeps identity's revocation events for as long as a token can live. */
export const IDENTITY_REVOCATION_STREAM = 'IDENTITY_REVOCATIONS';

/**
 * A revocation, in Keystone's revocation-event shape: every set field must match the token,
 * and the token must have been issued at or before `issuedBefore`.
 */
export interface TokenRevocationEvent {
  id: string;
  issuedBefore: string;
  auditId?: string;
  auditChainId?: string;
  userId?: string;
  projectId?: string;
  domainId?: string;
  roleId?: string;
  applicationCredentialId?: string;
  trustorId?: string;
}

export const TokenRevoked = event<TokenRevocationEvent>('evt.identity.token.revoked');

/** Published whenever regions, services or endpoints change, so every replica drops its cached catalog. */
export const CatalogChanged = event<{ at: string }>('evt.identity.catalog.changed');
