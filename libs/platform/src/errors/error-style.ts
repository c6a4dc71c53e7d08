/** Each OpenStack API answers errors in its own body shape; a service declares which one it speaks. */
export type ErrorStyle = 'keystone' | 'nova' | 'cinder' | 'neutron' | 'glance' | 'swift';

export interface RenderedError {
  contentType: string;
  body: string;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  499: 'Client Disconnect',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  507: 'Insufficient Storage',
};

/** Nova and Cinder name the fault after the status. */
const COMPUTE_FAULT: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

const NEUTRON_TYPE: Record<number, string> = {
  400: 'HTTPBadRequest',
  401: 'HTTPUnauthorized',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict',
  413: 'HTTPRequestEntityTooLarge',
  500: 'HTTPInternalServerError',
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? 'Error';
}

export function renderError(
  style: ErrorStyle,
  status: number,
  message: string,
  type?: string,
): RenderedError {
  const json = (value: unknown): RenderedError => ({
    contentType: 'application/json',
    body: JSON.stringify(value),
  });
  switch (style) {
    case 'keystone':
      return json({ error: { code: status, title: reasonPhrase(status), message } });
    case 'nova':
    case 'cinder':
      return json({ [COMPUTE_FAULT[status] ?? 'computeFault']: { code: status, message } });
    case 'neutron':
      return json({
        NeutronError: { type: type ?? NEUTRON_TYPE[status] ?? 'HTTPError', message, detail: '' },
      });
    case 'glance': {
      const title = `${status} ${reasonPhrase(status)}`;
      return {
        contentType: 'text/html; charset=UTF-8',
        body: `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ${escapeHtml(message)}<br /><br />\n\n\n\n </body>\n</html>`,
      };
    }
    case 'swift':
      // Swift answers most errors with swob's HTML page, and some with a bare sentence (type 'plain').
      if (type === 'plain') return { contentType: 'text/plain; charset=UTF-8', body: message };
      return {
        contentType: 'text/html; charset=UTF-8',
        body: `<html><h1>${reasonPhrase(status)}</h1><p>${escapeHtml(message)}</p></html>`,
      };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
