import { createHash } from 'node:crypto';

/** A call to the object storage service failed; the message is safe to show as a fail_reason. */
export class ObjectStoreError extends Error {}

/** How long one object request may take: a chunk of up to a GiB over a slow link still fits. */
const REQUEST_TIMEOUT_MS = 600_000;

/**
 * One Swift account reached through the object storage service's public API with a user's token,
 * as Cinder's Swift backup driver does with per_user auth: backups land in the caller's own
 * account, under its quotas and ACLs, and no service credential exists to leak.
 */
export class ObjectStore {
  private readonly account: string;

  constructor(
    endpoint: string,
    projectId: string,
    private readonly token: string,
  ) {
    this.account = `${endpoint.replace(/\/+$/, '')}/v1/AUTH_${encodeURIComponent(projectId)}`;
  }

  private url(container: string, object?: string): string {
    const path = object === undefined ? '' : `/${object.split('/').map(encodeURIComponent).join('/')}`;
    return `${this.account}/${encodeURIComponent(container)}${path}`;
  }

  private async call(method: string, url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        method,
        headers: { 'X-Auth-Token': this.token, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ObjectStoreError(
        `The object storage service could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private static async refuse(response: Response, what: string): Promise<never> {
    const text = (await response.text())
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new ObjectStoreError(
      `Object storage refused ${what}: HTTP ${response.status}${text ? ` ${text.slice(0, 120)}` : ''}`,
    );
  }

  async ensureContainer(container: string): Promise<void> {
    const response = await this.call('PUT', this.url(container));
    await response.arrayBuffer();
    if (response.status !== 201 && response.status !== 202) {
      await ObjectStore.refuse(response, `container ${container}`);
    }
  }

  /** Stores an object; Swift checks the ETag, so what lands is exactly `data`. */
  async put(container: string, name: string, data: Buffer, contentType = 'application/octet-stream') {
    const response = await this.call('PUT', this.url(container, name), {
      body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      headers: {
        'Content-Type': contentType,
        'Content-Length': String(data.length),
        ETag: createHash('md5').update(data).digest('hex'),
      },
    });
    await response.arrayBuffer();
    if (response.status !== 201) await ObjectStore.refuse(response, `object ${name}`);
  }

  async get(container: string, name: string): Promise<Buffer> {
    const response = await this.call('GET', this.url(container, name));
    if (response.status !== 200) await ObjectStore.refuse(response, `object ${name}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Names of the container's objects under `prefix`, every page of the listing. */
  async list(container: string, prefix: string): Promise<string[]> {
    const names: string[] = [];
    let marker = '';
    for (;;) {
      const query = new URLSearchParams({ format: 'json', prefix, marker });
      const response = await this.call('GET', `${this.url(container)}?${query.toString()}`);
      if (response.status === 404) {
        await response.arrayBuffer();
        return names;
      }
      if (response.status === 204) return names;
      if (response.status !== 200) await ObjectStore.refuse(response, `the listing of ${container}`);
      const page = (await response.json()) as { name: string }[];
      if (!page.length) return names;
      names.push(...page.map((o) => o.name));
      marker = page[page.length - 1].name;
    }
  }

  /** Deletes an object; one already gone counts as deleted. */
  async delete(container: string, name: string): Promise<void> {
    const response = await this.call('DELETE', this.url(container, name));
    await response.arrayBuffer();
    if (response.status !== 204 && response.status !== 404) {
      await ObjectStore.refuse(response, `deleting ${name}`);
    }
  }
}
