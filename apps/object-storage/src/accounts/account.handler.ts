import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { BulkDeleteService } from '../bulk/bulk-delete.service';
import { ContainersService } from '../containers/containers.service';
import { ContainerRecord, listingType, renderAccountListing } from '../listing/listing-format';
import { isSubdir, listEntries, listingQuery } from '../listing/listing-query';
import { STORAGE_POLICY } from '../swift/constraints';
import { checkRequestMetadata, metadataHeaders, metadataUpdates } from '../swift/metadata';
import { ResponseHeaders, sendBody, sendEmpty } from '../swift/response';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { listingTimestamp, xTimestamp } from '../swift/timestamps';
import { AccountsService } from './accounts.service';

const OWNER_ONLY_METADATA = ['temp-url-key', 'temp-url-key-2'];

/** Account requests: HEAD, GET (the container listing), POST metadata, and the bulk operations. */
@Injectable()
export class AccountHandler {
  constructor(
    private readonly accounts: AccountsService,
    private readonly containers: ContainersService,
    private readonly authorizer: SwiftAuthorizer,
    private readonly bulkDelete: BulkDeleteService,
  ) {}

  async handle(request: SwiftRequest, response: Response): Promise<void> {
    if (request.hasParam('bulk-delete') && ['POST', 'DELETE'].includes(request.method)) {
      this.authorizer.requireAccount(request, true);
      const { type, body } = await this.bulkDelete.bulkDelete(request);
      return sendBody(response, 200, { 'Content-Type': type }, body);
    }
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        return this.read(request, response);
      case 'POST':
        return this.post(request, response);
    }
    // Accounts come and go with projects (allow_account_management is off).
    response.setHeader('Allow', 'HEAD, GET, POST');
    throw swiftError(405);
  }

  private async read(request: SwiftRequest, response: Response): Promise<void> {
    const access = this.authorizer.requireAccount(request, false);
    const type = listingType(request);
    const state = await this.accounts.state(request.account);
    const headers: ResponseHeaders = {
      'X-Account-Container-Count': state.containerCount,
      'X-Account-Object-Count': state.objectCount,
      'X-Account-Bytes-Used': state.bytesUsed,
      [`X-Account-Storage-Policy-${STORAGE_POLICY}-Container-Count`]: state.containerCount,
      [`X-Account-Storage-Policy-${STORAGE_POLICY}-Object-Count`]: state.objectCount,
      [`X-Account-Storage-Policy-${STORAGE_POLICY}-Bytes-Used`]: state.bytesUsed,
      'X-Timestamp': xTimestamp(state.createdAt),
      'X-Put-Timestamp': xTimestamp(state.createdAt),
      'Accept-Ranges': 'bytes',
      'Content-Type': `${type}; charset=utf-8`,
    };
    const hidden = access === 'owner' ? [] : OWNER_ONLY_METADATA;
    for (const [name, value] of metadataHeaders('account', state.metadata, hidden)) headers[name] = value;
    if (request.isHead) return sendEmpty(response, 204, headers);

    const query = listingQuery(request, false);
    const entries = await listEntries(query, (range) => this.containers.list(request.account, range));
    const records = entries.map((entry) =>
      isSubdir(entry)
        ? entry
        : ({
            name: entry.name,
            count: entry.objectCount,
            bytes: entry.bytesUsed,
            last_modified: listingTimestamp(entry.createdAt),
          } satisfies ContainerRecord),
    );
    if (type === 'text/plain' && records.length === 0) return sendEmpty(response, 204, headers);
    sendBody(response, 200, headers, renderAccountListing(type, request.account, records));
  }

  private async post(request: SwiftRequest, response: Response): Promise<void> {
    this.authorizer.requireAccount(request, true);
    checkRequestMetadata(request, 'account');
    await this.accounts.updateMetadata(request.account, metadataUpdates(request, 'account'));
    sendEmpty(response, 204);
  }
}
