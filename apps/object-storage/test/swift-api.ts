import { CliCredentials, TestCloud } from '@stratus/testing';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export type Project = CliCredentials & { projectId: string; userId: string; token: string };

export interface SwiftResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
  json: <T = unknown>() => T;
}

/** Calls the object storage API directly, as swiftclient would. */
export class SwiftApi {
  constructor(readonly url: string) {}

  accountPath(project: { projectId: string }): string {
    return `/v1/AUTH_${project.projectId}`;
  }

  async call(
    method: string,
    path: string,
    options: { token?: string; headers?: Record<string, string>; body?: RequestInit['body'] } = {},
  ): Promise<SwiftResponse> {
    const headers = new Headers(options.headers);
    if (options.token) headers.set('X-Auth-Token', options.token);
    const body = options.body;
    // A streamed body (ReadableStream) goes out chunked, which Node's fetch calls half duplex.
    const init = { method, headers, body, duplex: body instanceof ReadableStream ? 'half' : undefined };
    const response = await fetch(this.url + path, init as RequestInit);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    return {
      status: response.status,
      headers: response.headers,
      body: bytes,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** A raw request: lets a test declare a Content-Length it never sends, or drop the connection. */
  raw(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body?: Buffer,
  ): Promise<{ status: number; body: string }> {
    const url = new URL(this.url + path);
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Sends a request written by hand (no Content-Length, no Transfer-Encoding) and returns the reply. */
export function rawHttp(url: string, head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`${head}\r\nConnection: close\r\n\r\n`),
    );
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers, ...rest] = reply.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1] ?? 0), body: rest.join('\r\n\r\n') });
    });
  });
}

export async function projectWithToken(cloud: TestCloud, prefix: string, role = 'member'): Promise<Project> {
  const credentials = await cloud.createProjectUser(prefix, role);
  return { ...credentials, token: await cloud.token(credentials) };
}

/** The credentials the CLI logs in with (a password; the token is for direct calls). */
export const cli = ({ token: _token, ...credentials }: Project): CliCredentials => credentials;
