import { badRequest } from '@stratus/platform';
import { z } from 'zod';

/**
 * Neutron converts "true"/"false" strings and 0/1 in bodies to booleans (convert_to_boolean);
 * clients rarely rely on it, but the API accepts it, so we do too.
 */
export const neutronBoolean = z.preprocess((value) => {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  }
  if (value === 0 || value === 1) return value === 1;
  return value;
}, z.boolean());

/** Integers may arrive as strings (convert_to_int). */
export const neutronInteger = z.preprocess(
  (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
  z.number().int(),
);

export const nameField = z.string().max(255);
export const descriptionField = z.string().max(255);
export const uuidField = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
    'is not a valid UUID',
  )
  .transform((id) => id.toLowerCase());
export const projectIdField = z.string().min(1).max(255);
export const tagField = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^,]*$/, "may not contain ','");
export const tagsField = z.array(tagField).max(50);

/**
 * Reads `{"<resource>": {...}}` and validates it. Neutron answers schema failures with 400,
 * naming the attribute, and refuses attributes it does not know.
 */
export function parseResourceBody<S extends z.ZodType>(
  resource: string,
  schema: S,
  body: unknown,
): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !(resource in body)) {
    throw badRequest(`Resource body required: expected an object with the key '${resource}'.`);
  }
  const unexpected = Object.keys(body).filter((key) => key !== resource);
  if (unexpected.length) throw badRequest(`Unrecognized attribute(s) '${unexpected.join(', ')}'`);
  return parseAttributes(schema, (body as Record<string, unknown>)[resource]);
}

export function parseAttributes<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Invalid input: the resource body must be an object.');
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw badRequest(`Unrecognized attribute(s) '${issue.keys.join(', ')}'`);
  }
  const field = issue.path.map(String).join('.') || 'body';
  throw badRequest(`Invalid input for ${field}. Reason: ${describeIssue(issue, value, issue.path)}.`);
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, path: PropertyKey[]): string {
  const received = path.reduce<unknown>(
    (value, key) =>
      value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    root,
  );
  const shown = JSON.stringify(received) ?? 'None';
  if (issue.code === 'invalid_type') return `${shown} is not ${article(issue.expected)}`;
  if (issue.code === 'too_big') return `${shown} exceeds maximum length of ${String(issue.maximum)}`;
  if (issue.code === 'too_small') return `${shown} is shorter than ${String(issue.minimum)}`;
  return `${shown} ${issue.message}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
