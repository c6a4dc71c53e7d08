import { Injectable } from '@nestjs/common';
import { Access, SwiftAuthorizer } from '../auth/swift-authorizer';
import { ContainersService } from '../containers/containers.service';
import type { ContainerEntity } from '../persistence/object-storage.entities';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';

/**
 * The container an object request reads from or writes to, after its ACL check. The check comes
 * before the 404, as in Swift: a caller without access cannot learn which containers exist.
 */
@Injectable()
export class ContainerAccess {
  constructor(
    private readonly containers: ContainersService,
    private readonly authorizer: SwiftAuthorizer,
  ) {}

  async readable(
    request: SwiftRequest,
    account: string,
    name: string,
  ): Promise<{ container: ContainerEntity; access: Access }> {
    const container = await this.containers.find(account, name);
    const access = this.authorizer.requireRead(request, account, container?.readAcl, true);
    if (!container) throw swiftError(404);
    return { container, access };
  }

  async writable(request: SwiftRequest, account: string, name: string): Promise<ContainerEntity> {
    const container = await this.containers.find(account, name);
    this.authorizer.requireWrite(request, account, container?.writeAcl);
    if (!container) throw swiftError(404);
    return container;
  }
}
