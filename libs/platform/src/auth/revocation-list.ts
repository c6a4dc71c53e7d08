import type { TokenRevocationEvent } from '@stratus/contracts';
import type { TokenClaims } from './token';

interface StoredEvent extends TokenRevocationEvent {
  issuedBeforeMs: number;
}

/**
 * The revocation events still relevant (younger than the longest token lifetime), indexed by the
 * field that makes them selective, so checking a token costs a few map lookups.
 */
export class RevocationList {
  private readonly seen = new Set<string>();
  private readonly byUser = new Map<string, StoredEvent[]>();
  private readonly byProject = new Map<string, StoredEvent[]>();
  private readonly byAudit = new Map<string, StoredEvent[]>();
  private readonly byOther: StoredEvent[] = [];

  add(event: TokenRevocationEvent): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const stored: StoredEvent = { ...event, issuedBeforeMs: Date.parse(event.issuedBefore) };
    if (event.auditId) push(this.byAudit, event.auditId, stored);
    else if (event.auditChainId) push(this.byAudit, event.auditChainId, stored);
    else if (event.userId) push(this.byUser, event.userId, stored);
    else if (event.projectId) push(this.byProject, event.projectId, stored);
    else this.byOther.push(stored);
  }

  get size(): number {
    return this.seen.size;
  }

  isRevoked(claims: TokenClaims): boolean {
    const candidates = [
      ...(this.byUser.get(claims.userId) ?? []),
      ...(claims.projectId ? (this.byProject.get(claims.projectId) ?? []) : []),
      ...claims.auditIds.flatMap((a) => this.byAudit.get(a) ?? []),
      ...this.byOther,
    ];
    return candidates.some((event) => matches(event, claims));
  }
}

function push(map: Map<string, StoredEvent[]>, key: string, event: StoredEvent): void {
  const list = map.get(key);
  if (list) list.push(event);
  else map.set(key, [event]);
}

function matches(event: StoredEvent, claims: TokenClaims): boolean {
  if (claims.issuedAt > event.issuedBeforeMs) return false;
  if (event.auditId && claims.auditIds[0] !== event.auditId) return false;
  if (event.auditChainId && claims.auditIds[claims.auditIds.length - 1] !== event.auditChainId) return false;
  if (event.userId && claims.userId !== event.userId) return false;
  if (event.projectId && claims.projectId !== event.projectId) return false;
  if (event.domainId && claims.domainId !== event.domainId) return false;
  if (event.roleId && !claims.roles.some((r) => r.id === event.roleId)) return false;
  if (event.applicationCredentialId && claims.applicationCredentialId !== event.applicationCredentialId)
    return false;
  return true;
}
