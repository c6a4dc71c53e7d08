import { CliCredentials, TestCloud } from '@stratus/testing';
import { request as httpRequest } from 'node:http';

export type Project = CliCredentials & { projectId: string; userId: string; token: string };

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

/** Calls the image API directly, as openstacksdk would. */
export class ImageApi {
  constructor(readonly url: string) {}

  async call(
    method: string,
    path: string,
    options: {
      token?: string;
      json?: unknown;
      body?: RequestInit['body'];
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const headers = new Headers(options.headers);
    if (options.token) headers.set('X-Auth-Token', options.token);
    let body = options.body;
    if (options.json !== undefined) {
      headers.set('Content-Type', options.contentType ?? 'application/json');
      body = JSON.stringify(options.json);
    } else if (options.contentType) headers.set('Content-Type', options.contentType);
    // A streamed body (ReadableStream) goes out chunked, which Node's fetch calls half duplex.
    const init = { method, headers, body, duplex: body instanceof ReadableStream ? 'half' : undefined };
    const response = await fetch(this.url + path, init as RequestInit);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  async createImage(token: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const response = await this.call('POST', '/v2/images', {
      token,
      json: { disk_format: 'raw', container_format: 'bare', ...body },
    });
    if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
    return response.json();
  }

  async upload(token: string, id: string, data: Buffer): Promise<ApiResponse> {
    return this.call('PUT', `/v2/images/${id}/file`, {
      token,
      body: data,
      contentType: 'application/octet-stream',
    });
  }

  patch(token: string, id: string, ops: unknown): Promise<ApiResponse> {
    return this.call('PATCH', `/v2/images/${id}`, {
      token,
      json: ops,
      contentType: 'application/openstack-images-v2.1-json-patch',
    });
  }

  async show(token: string, id: string): Promise<Record<string, unknown>> {
    const response = await this.call('GET', `/v2/images/${id}`, { token });
    if (response.status !== 200) throw new Error(`show failed: ${response.status} ${response.text}`);
    return response.json();
  }

  /**
   * Starts an upload that declares `declared` bytes (or chunked when undefined), sends `sent`
   * bytes, then drops the connection: a client that dies mid-upload.
   */
  cutOffUpload(token: string, id: string, sent: number, declared?: number): Promise<void> {
    const url = new URL(`${this.url}/v2/images/${id}/file`);
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = {
        'X-Auth-Token': token,
        'Content-Type': 'application/octet-stream',
      };
      if (declared !== undefined) headers['Content-Length'] = declared;
      const request = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'PUT',
        headers,
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.write(Buffer.alloc(sent, 7), () => setTimeout(() => request.destroy(), 200));
    });
  }
}

/** An upload in progress: the client sends when told, finishes, or drops the connection. */
export interface OpenUpload {
  response: Promise<{ status: number; body: string }>;
  send(data: Buffer): Promise<void>;
  finish(data: Buffer): void;
  drop(): void;
}

/** Starts an upload declaring `declared` bytes and sends `first`; the rest is up to the test. */
export function openUpload(
  api: ImageApi,
  token: string,
  id: string,
  declared: number,
  first: Buffer,
): OpenUpload {
  const url = new URL(`${api.url}/v2/images/${id}/file`);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'PUT',
    headers: {
      'X-Auth-Token': token,
      'Content-Type': 'application/octet-stream',
      'Content-Length': declared,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
  response.catch(() => undefined);
  request.write(first);
  return {
    response,
    send: (data) =>
      new Promise<void>((resolve, reject) => request.write(data, (e) => (e ? reject(e) : resolve()))),
    finish: (data) => request.end(data),
    drop: () => request.destroy(),
  };
}

export async function projectWithToken(cloud: TestCloud, prefix: string, role = 'member'): Promise<Project> {
  const credentials = await cloud.createProjectUser(prefix, role);
  return { ...credentials, token: await cloud.token(credentials) };
}

/** Bytes that start like a qcow2 image of the given virtual size (version 3 header). */
export function qcow2Header(virtualSize: bigint, totalBytes = 4096): Buffer {
  const data = Buffer.alloc(totalBytes);
  data.writeUInt32BE(0x514649fb, 0);
  data.writeUInt32BE(3, 4);
  data.writeBigUInt64BE(virtualSize, 24);
  return data;
}
