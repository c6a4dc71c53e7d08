import { Inject, Injectable } from '@nestjs/common';
import { DomainError, drain, reasonPhrase } from '@stratus/platform';
import type { Response } from 'express';
import { signatureMatches } from '../auth/temp-url';
import { TempUrlService } from '../auth/temp-url.service';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import { ObjectWriterService } from '../objects/object-writer.service';
import { CONSTRAINTS } from '../swift/constraints';
import { guessContentType } from '../swift/content-type';
import { swiftError } from '../swift/swift-errors';
import { byteLength } from '../swift/swift-path';
import type { SwiftRequest } from '../swift/swift-request';
import { VersioningService } from '../versioning/versioning.service';
import { FormPart, formBoundary, InvalidForm, readMultipart } from './multipart-reader';

const FIELDS = [
  'redirect',
  'max_file_size',
  'max_file_count',
  'expires',
  'signature',
  'x_delete_at',
  'x_delete_after',
];
/** Form fields are short; a field longer than this is not one of ours. */
const MAX_FIELD = 8192;

class FormProblem extends Error {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

async function fieldValue(part: FormPart): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_FIELD) throw new InvalidForm(`field ${part.name} too long`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Swift's form POST: a browser uploads files straight into a container (under the path's
 * prefix) with an HTML form signed by the account's or container's Temp-URL-Key, which sets the
 * redirect, the size and count limits, and the expiry. No token is involved.
 */
@Injectable()
export class FormPostService {
  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    private readonly tempUrls: TempUrlService,
    private readonly containers: ContainersService,
    private readonly writer: ObjectWriterService,
    private readonly versioning: VersioningService,
  ) {}

  /** True for the requests this handles: POST of multipart/form-data to a container or prefix. */
  applies(request: SwiftRequest): boolean {
    return (
      request.method === 'POST' &&
      request.path.container !== undefined &&
      formBoundary(request.header('content-type')) !== undefined
    );
  }

  async handle(request: SwiftRequest, response: Response): Promise<void> {
    const boundary = formBoundary(request.header('content-type'))!;
    const fields: Record<string, string> = {};
    let status = '201 Created';
    let message = '';
    try {
      let files = 0;
      for await (const part of readMultipart(request.http, boundary)) {
        if (part.filename === undefined) {
          if (FIELDS.includes(part.name)) fields[part.name] = await fieldValue(part);
          continue;
        }
        if (files === 0) await this.authorize(request, fields);
        if (!part.filename) continue;
        files += 1;
        if (files > Number(fields.max_file_count))
          throw new FormProblem('400 Bad Request', 'max_file_count exceeded');
        await this.store(request, part, fields);
      }
      if (files === 0) {
        await this.authorize(request, fields);
        throw new FormProblem('400 Bad Request', 'no files to process');
      }
    } catch (error) {
      if (error instanceof FormProblem) [status, message] = [error.status, error.message];
      else if (error instanceof DomainError && error.status !== 401) {
        [status, message] = [`${error.status} ${reasonPhrase(error.status)}`, error.message];
      } else if (error instanceof InvalidForm) throw swiftError(400, `FormPost: ${error.message}`);
      else throw error;
      await drain(request.http);
    }
    this.answer(response, status, message, fields.redirect);
  }

  /** The form's signature and expiry, checked before the first file is stored. */
  private async authorize(request: SwiftRequest, fields: Record<string, string>): Promise<void> {
    const expires = Number(fields.expires);
    if (!/^\d+$/.test(fields.expires ?? '') || expires < Date.now() / 1000) {
      throw swiftError(401, 'FormPost: Form Expired');
    }
    const path = [
      `/${request.path.version}`,
      request.account,
      request.path.container,
      request.path.object ?? '',
    ].join('/');
    const signed = [
      path,
      fields.redirect ?? '',
      fields.max_file_size ?? '',
      fields.max_file_count ?? '',
      fields.expires,
    ].join('\n');
    const keys = await this.tempUrls.keysFor(request.account, request.path.container!);
    const valid =
      /^\d+$/.test(fields.max_file_size ?? '') &&
      /^\d+$/.test(fields.max_file_count ?? '') &&
      signatureMatches(fields.signature ?? '', this.config.OBJECT_STORAGE_TEMPURL_DIGESTS, keys, [signed]);
    if (!valid) throw swiftError(401, 'FormPost: Invalid Signature');
  }

  private async store(request: SwiftRequest, part: FormPart, fields: Record<string, string>): Promise<void> {
    const container = await this.containers.find(request.account, request.path.container!);
    if (!container) throw new FormProblem('404 Not Found', 'container not found');
    const name = `${request.path.object ?? ''}${part.filename}`;
    if (byteLength(name) > CONSTRAINTS.maxObjectNameLength) {
      throw new FormProblem('400 Bad Request', 'object name too long');
    }
    const now = Date.now() / 1000;
    const deleteAt = /^\d+$/.test(fields.x_delete_after ?? '')
      ? Math.floor(now + Number(fields.x_delete_after))
      : /^\d+$/.test(fields.x_delete_at ?? '')
        ? Number(fields.x_delete_at)
        : null;
    await this.versioning.archiveCurrent(request, request.account, container, name);
    try {
      await this.writer.write(
        part.body,
        container,
        {
          name,
          contentType: part.contentType ?? guessContentType(name),
          deleteAt,
          metadata: '{}',
          headers: '{}',
          dloManifest: null,
          sloEtag: null,
          sloSize: null,
        },
        { maxBytes: Math.min(Number(fields.max_file_size), this.config.OBJECT_STORAGE_MAX_FILE_SIZE) },
      );
    } catch (error) {
      if (error instanceof DomainError && error.status === 413) {
        throw new FormProblem('400 Bad Request', 'max_file_size exceeded');
      }
      throw error;
    }
  }

  /** Swift's answers: a 303 to the redirect with status and message, or the status as text. */
  private answer(response: Response, status: string, message: string, redirect?: string): void {
    if (!redirect) {
      const body = message ? `${status}\r\nFormPost: ${titleCase(message)}` : status;
      response
        .status(Number(status.slice(0, 3)))
        .type('text/plain')
        .send(body);
      return;
    }
    const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=${status.slice(0, 3)}&message=${encodeURIComponent(message)}`;
    const body = `<html><body><p><a href="${location.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">Click to continue...</a></p></body></html>`;
    response.status(303).setHeader('Location', location);
    response.type('text/html').send(body);
  }
}

/** Python's str.title(), as Swift applies it to form POST messages. */
function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[^a-z])([a-z])/g, (_m, before: string, c: string) => before + c.toUpperCase());
}
