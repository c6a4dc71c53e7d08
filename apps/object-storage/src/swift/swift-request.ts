import type { Request } from 'express';
import type { SwiftIdentity } from '../auth/swift-identity';
import { parseSwiftPath, SwiftPath } from './swift-path';

/** Swift's config_true_value. */
export function isTrue(value: string | null | undefined): boolean {
  return (
    value !== null &&
    value !== undefined &&
    ['true', '1', 'yes', 'on', 't', 'y'].includes(value.toLowerCase())
  );
}

/** One Swift API request: its decoded path, raw query, headers, and who is asking. */
export class SwiftRequest {
  readonly method: string;
  readonly path: SwiftPath;
  /** The decoded path as signed by temporary URLs: /v1/<account>/<container>/<object>. */
  readonly pathText: string;
  readonly query: URLSearchParams;
  identity?: SwiftIdentity;
  /** Set when a valid temporary URL signature grants this request. */
  tempUrl = false;

  constructor(readonly http: Request) {
    this.method = http.method.toUpperCase();
    const url = http.originalUrl;
    const question = url.indexOf('?');
    const rawPath = question < 0 ? url : url.slice(0, question);
    this.query = new URLSearchParams(question < 0 ? '' : url.slice(question + 1));
    this.path = parseSwiftPath(rawPath);
    const { version, account, container, object } = this.path;
    this.pathText = [`/${version}`, account, container, object].filter((p) => p !== undefined).join('/');
  }

  get account(): string {
    return this.path.account;
  }

  header(name: string): string | undefined {
    const value = this.http.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  hasHeader(name: string): boolean {
    return this.http.headers[name.toLowerCase()] !== undefined;
  }

  /** Every header as [lower-case name, value], one entry per value. */
  headerEntries(): [string, string][] {
    const entries: [string, string][] = [];
    for (const [name, value] of Object.entries(this.http.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) entries.push([name, v]);
    }
    return entries;
  }

  param(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  hasParam(name: string): boolean {
    return this.query.has(name);
  }

  get isHead(): boolean {
    return this.method === 'HEAD';
  }
}
