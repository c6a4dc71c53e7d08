import { Inject, Injectable } from '@nestjs/common';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import { RESELLER_PREFIX } from '../swift/constraints';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { parseAcl, referrerAllowed } from './acl';
import type { SwiftIdentity } from './swift-identity';

/**
 * How a request got in: the account's owner (an operator role on the project, or the reseller
 * admin), a project reader (read-only), a container ACL, or a temporary URL. Only owners see and
 * set the owner headers (ACLs, temp URL keys).
 */
export type Access = 'owner' | 'reader' | 'acl' | 'tempurl';

/** keystoneauth's decisions, made where Swift's proxy makes them (it knows the container's ACLs). */
@Injectable()
export class SwiftAuthorizer {
  private readonly resellerAdmin: string;

  constructor(@Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig) {
    this.resellerAdmin = config.OBJECT_STORAGE_RESELLER_ADMIN_ROLE.toLowerCase();
  }

  /** The caller's standing on the request's account, ACLs aside. */
  standing(identity: SwiftIdentity | undefined, account: string): 'owner' | 'reader' | undefined {
    if (!identity) return undefined;
    if (identity.roles.has(this.resellerAdmin)) return 'owner';
    if (!identity.projectId || account !== `${RESELLER_PREFIX}${identity.projectId}`) return undefined;
    if (this.config.OBJECT_STORAGE_OPERATOR_ROLES.some((r) => identity.roles.has(r))) return 'owner';
    if (this.config.OBJECT_STORAGE_READER_ROLES.some((r) => identity.roles.has(r))) return 'reader';
    return undefined;
  }

  /** Account requests and container PUT/POST/DELETE carry no ACL: owners only (readers may read). */
  requireAccount(request: SwiftRequest, write: boolean): Access {
    const standing = this.standing(request.identity, request.account);
    if (standing === 'owner' || (standing === 'reader' && !write)) return standing;
    throw this.denied(request);
  }

  /** Container GET/HEAD and object GET/HEAD in `account`, against the container's read ACL. */
  requireRead(
    request: SwiftRequest,
    account: string,
    readAcl: string | null | undefined,
    isObject: boolean,
  ): Access {
    const standing = this.standing(request.identity, account);
    if (standing) return standing;
    if (request.tempUrl && account === request.account) return 'tempurl';
    if (this.aclGrants(request, readAcl, isObject, true)) return 'acl';
    throw this.denied(request);
  }

  /** Object PUT/POST/DELETE and copy destinations in `account`, against the container's write ACL. */
  requireWrite(request: SwiftRequest, account: string, writeAcl: string | null | undefined): Access {
    const standing = this.standing(request.identity, account);
    if (standing === 'owner') return standing;
    if (standing === 'reader') throw this.denied(request);
    if (request.tempUrl && account === request.account) return 'tempurl';
    if (this.aclGrants(request, writeAcl, true, false)) return 'acl';
    throw this.denied(request);
  }

  /** keystoneauth answers 401 to the anonymous (a token might help) and 403 to the known. */
  denied(request: SwiftRequest) {
    return swiftError(request.identity ? 403 : 401);
  }

  private aclGrants(
    request: SwiftRequest,
    acl: string | null | undefined,
    isObject: boolean,
    read: boolean,
  ): boolean {
    const { referrers, groups } = parseAcl(acl);
    const identity = request.identity;
    if (identity) {
      for (const project of [identity.projectId ?? 'None', '*']) {
        for (const user of [identity.userId, '*']) {
          if (groups.includes(`${project}:${user}`)) return true;
        }
      }
      if (groups.some((group) => identity.roles.has(group.toLowerCase()))) return true;
    }
    if (read && referrerAllowed(request.header('referer'), referrers)) {
      return isObject || groups.includes('.rlistings');
    }
    return false;
  }
}
