/** Glance's import_filtering_opts: which URIs a web-download import may fetch. */
export interface WebDownloadFilter {
  allowedSchemes: string[];
  allowedPorts: number[];
  disallowedHosts: string[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

export function webDownloadFilter(settings: {
  IMAGE_WEB_DOWNLOAD_ALLOWED_SCHEMES: string;
  IMAGE_WEB_DOWNLOAD_ALLOWED_PORTS: string;
  IMAGE_WEB_DOWNLOAD_DISALLOWED_HOSTS: string;
}): WebDownloadFilter {
  return {
    allowedSchemes: list(settings.IMAGE_WEB_DOWNLOAD_ALLOWED_SCHEMES),
    allowedPorts: list(settings.IMAGE_WEB_DOWNLOAD_ALLOWED_PORTS).map(Number),
    disallowedHosts: list(settings.IMAGE_WEB_DOWNLOAD_DISALLOWED_HOSTS),
  };
}

/**
 * Why a URI may not be fetched, or null when it may. The image service fetches on the user's
 * behalf from inside the cloud, so the operator decides which schemes, ports and hosts that reaches.
 */
export function refusal(uri: string, filter: WebDownloadFilter): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'it is not a URI';
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!filter.allowedSchemes.includes(scheme)) return `scheme ${scheme} is not allowed`;
  if (url.username || url.password) return 'credentials in the URI are not allowed';
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (!filter.allowedPorts.includes(port)) return `port ${port} is not allowed`;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (filter.disallowedHosts.includes(host)) return `host ${host} is not allowed`;
  return null;
}
