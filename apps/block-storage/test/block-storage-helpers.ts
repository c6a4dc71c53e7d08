import { CliCredentials, CliResult, expectEventually, openstackSdk, TestCloud } from '@stratus/testing';

export type Json = Record<string, unknown>;
export type Project = CliCredentials & { projectId: string; userId: string };

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

/** The Block Storage API called directly, as openstacksdk or cinderclient would. */
export class CinderApi {
  constructor(
    readonly url: string,
    readonly token: string,
    readonly projectId: string,
  ) {}

  static async of(
    cloud: TestCloud,
    credentials: Project | CliCredentials,
    projectId?: string,
  ): Promise<CinderApi> {
    const token = await cloud.token(credentials);
    const project = projectId ?? (credentials as Project).projectId;
    return new CinderApi(cloud.service('block-storage').url, token, project);
  }

  async call(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; version?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { 'X-Auth-Token': this.token, ...options.headers };
    if (options.version) headers['OpenStack-API-Version'] = `volume ${options.version}`;
    let body = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined) headers['Content-Type'] ??= 'application/json';
    const target = path.startsWith('/') ? path : `/v3/${this.projectId}/${path}`;
    const response = await fetch(this.url + target, { method, headers, body });
    const text = await response.text();
    let parsed: Json = {};
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async volume(id: string): Promise<Json> {
    const response = await this.call('GET', `volumes/${id}`, { version: '3.70' });
    if (response.status !== 200)
      throw new Error(`volume ${id}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.volume as Json;
  }

  /** Waits for a volume (or a snapshot, or a backup) to reach a status; `gone` waits for 404. */
  async waitFor(
    id: string,
    status: string,
    collection: 'volumes' | 'snapshots' | 'backups' = 'volumes',
  ): Promise<Json> {
    return expectEventually(
      async () => {
        const response = await this.call('GET', `${collection}/${id}`, { version: '3.70' });
        if (status === 'gone') {
          expect(response.status).toBe(404);
          return {};
        }
        const resource = (response.body.volume ?? response.body.snapshot ?? response.body.backup) as Json;
        expect(resource?.status).toBe(status);
        return resource;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }
}

/** Fails with the CLI's own words when a command that should pass did not. */
export function ok(result: CliResult): string {
  if (result.rc !== 0)
    throw new Error(`openstack ${result.argv.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

export function failed(result: CliResult): string {
  if (result.rc === 0)
    throw new Error(`openstack ${result.argv.join(' ')} passed but should not have:\n${result.stdout}`);
  return result.stderr + result.stdout;
}

/**
 * Runs cinderclient (the library openstackclient drives) with the credentials' session, for the
 * calls the CLI can only make with a compute service at hand (attachment create looks the server
 * up in Nova). The script sees `cinder(version)` and prints JSON.
 */
export async function cinderclient(credentials: CliCredentials, body: string): Promise<Json> {
  const script = `
import json, openstack
from cinderclient import client as cinder_client
from cinderclient import exceptions as cinder_exceptions
conn = openstack.connect()
def cinder(version):
    return cinder_client.Client(version, session=conn.session)
def attempt(call):
    try:
        return {"ok": True, "value": call()}
    except cinder_exceptions.ClientException as error:
        return {"ok": False, "code": error.code, "message": str(error)}
${body}
`;
  const output = await openstackSdk(credentials, script);
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as Json;
}
