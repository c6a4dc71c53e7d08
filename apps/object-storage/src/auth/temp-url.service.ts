import { Inject, Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import { parseMetadata } from '../swift/metadata';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { tempUrlParams, tempUrlValid } from './temp-url';

const TEMP_URL_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
const KEY_NAMES = ['temp-url-key', 'temp-url-key-2'];

/**
 * Swift's tempurl middleware, ahead of token checks: a request carrying temp_url_* parameters is
 * let in by a valid signature (with the account's or the container's Temp-URL-Key) or refused.
 */
@Injectable()
export class TempUrlService {
  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    private readonly accounts: AccountsService,
    private readonly containers: ContainersService,
  ) {}

  async check(request: SwiftRequest): Promise<void> {
    const params = tempUrlParams(request.query);
    if (!params) return;
    const invalid = swiftError(401, '401 Unauthorized: Temp URL invalid\n');
    const { container, object } = request.path;
    if (!container || !object || !TEMP_URL_METHODS.includes(request.method)) throw invalid;
    const keys = await this.keysFor(request.account, container);
    const valid = tempUrlValid({
      params,
      method: request.method,
      account: request.account,
      container,
      object,
      keys,
      allowedDigests: this.config.OBJECT_STORAGE_TEMPURL_DIGESTS,
      clientIp: request.http.socket.remoteAddress,
      nowSeconds: Date.now() / 1000,
    });
    if (!valid) throw invalid;
    request.tempUrl = true;
  }

  /** The account's and the container's Temp-URL-Key and Temp-URL-Key-2: any of them may sign. */
  async keysFor(account: string, container: string): Promise<string[]> {
    const keys = Object.entries(await this.accounts.metadata(account))
      .filter(([name]) => KEY_NAMES.includes(name))
      .map(([, value]) => value);
    const found = await this.containers.find(account, container);
    for (const [name, value] of Object.entries(found ? parseMetadata(found.metadata) : {})) {
      if (KEY_NAMES.includes(name)) keys.push(value);
    }
    return keys;
  }
}
