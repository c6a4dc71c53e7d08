import { glanceErrors } from '../common/glance-errors';

export const PATCH_MEDIA_TYPES: Record<string, 4 | 10> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};

export interface Change {
  op: 'add' | 'remove' | 'replace';
  path: string[];
  value?: unknown;
  draft: 4 | 10;
}

const OPERATIONS = ['add', 'remove', 'replace'] as const;
/** Only locations may be addressed below the top level (and this service does not show them). */
const PATH_DEPTH: Record<string, Partial<Record<Change['op'], number>>> = {
  locations: { add: 2, remove: 2, replace: 1 },
};

function validatePointer(pointer: string): void {
  if (!pointer.startsWith('/'))
    throw glanceErrors.badRequest(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1)))
    throw glanceErrors.badRequest(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/'))
    throw glanceErrors.badRequest(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') {
    throw glanceErrors.badRequest(`Pointer \`${pointer}\` does not contains valid token.`);
  }
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) {
    throw glanceErrors.badRequest(
      `Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`,
    );
  }
}

function decodePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string') throw glanceErrors.badRequest('Pointer must be a string.');
  validatePointer(pointer);
  return pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

/**
 * Glance's RequestDeserializer.update: a JSON array of operation objects in the draft-10 form
 * ({"op": "add", "path": "/x", "value": ...}) or the draft-4 one ({"add": "/x", "value": ...}).
 */
export function parsePatch(body: unknown, draft: 4 | 10): Change[] {
  if (!Array.isArray(body)) {
    throw glanceErrors.badRequest('Request body must be a JSON array of operation objects.');
  }
  return body.map((raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw glanceErrors.badRequest('Operations must be JSON objects.');
    }
    const change = raw as Record<string, unknown>;
    let op: Change['op'];
    let pointer: unknown;
    if (draft === 10) {
      if (change.op === undefined) {
        throw glanceErrors.badRequest(
          `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPERATIONS.join(', ')}.`,
        );
      }
      if (!OPERATIONS.includes(change.op as Change['op'])) {
        throw glanceErrors.badRequest(
          `Invalid operation: \`${String(change.op)}\`. It must be one of the following: ${OPERATIONS.join(', ')}.`,
        );
      }
      op = change.op as Change['op'];
      if (!('path' in change)) throw glanceErrors.badRequest("Unable to find 'path' in JSON Schema change");
      pointer = change.path;
    } else {
      const present = OPERATIONS.filter((o) => o in change);
      if (present.length > 1) {
        throw glanceErrors.badRequest(
          'Operation objects must contain only one member named "add", "remove", or "replace".',
        );
      }
      if (present.length === 0) {
        throw glanceErrors.badRequest(
          'Operation objects must contain exactly one member named "add", "remove", or "replace".',
        );
      }
      op = present[0];
      pointer = change[op];
    }
    const path = decodePointer(pointer);
    const depth = PATH_DEPTH[path[0]]?.[op] ?? 1;
    if (path.length !== depth) {
      throw glanceErrors.badRequest(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
    }
    const parsed: Change = { op, path, draft };
    if (op !== 'remove') {
      if (!('value' in change))
        throw glanceErrors.badRequest(`Operation "${op}" requires a member named "value".`);
      parsed.value = change.value;
    }
    return parsed;
  });
}
