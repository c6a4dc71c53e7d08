import { Injectable } from '@nestjs/common';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { ContainersService } from '../containers/containers.service';
import type { SwiftRequest } from '../swift/swift-request';
import { VersioningService } from '../versioning/versioning.service';

/** An object DELETE with its access check and versioning, shared by DELETE, bulk delete and SLO delete. */
@Injectable()
export class ObjectDeleterService {
  constructor(
    private readonly containers: ContainersService,
    private readonly authorizer: SwiftAuthorizer,
    private readonly versioning: VersioningService,
  ) {}

  /** False when there was no such object (404). The access check comes first, as in Swift. */
  async delete(
    request: SwiftRequest,
    account: string,
    containerName: string,
    objectName: string,
  ): Promise<boolean> {
    const container = await this.containers.find(account, containerName);
    this.authorizer.requireWrite(request, account, container?.writeAcl);
    if (!container) return false;
    return this.versioning.delete(request, account, container, objectName);
  }
}
