import { z } from 'zod';
import { cinderErrors } from './cinder-errors';

/**
 * Reads `{"<key>": {...}}` and validates it, answering as Cinder's JSON-schema validation does:
 * 400 "Invalid input for field/attribute <field>. Value: <value>. <reason>".
 */
export function parseBody<S extends z.ZodType>(key: string, schema: S, body: unknown): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !(key in body)) {
    throw cinderErrors.invalidInput(`Missing required element '${key}' in request body.`);
  }
  return parseValue(schema, (body as Record<string, unknown>)[key], key);
}

/** Validates a value; `root` names it in messages when the failure is the value itself. */
export function parseValue<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    throw cinderErrors.invalidInput(
      `Invalid input for field/attribute ${path.join('.') || root}. Additional properties are not allowed (${issue.keys.map((k) => `'${k}'`).join(', ')} ${issue.keys.length > 1 ? 'were' : 'was'} unexpected)`,
    );
  }
  const field = path.length ? path[path.length - 1] : root;
  const received = path.reduce<unknown>(
    (current, key) =>
      current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined,
    value,
  );
  throw cinderErrors.invalidInput(
    `Invalid input for field/attribute ${field}. Value: ${shown(received)}. ${reason(issue, received, field)}`,
  );
}

function shown(value: unknown): string {
  if (value === undefined) return 'None';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function reason(issue: z.core.$ZodIssue, received: unknown, field: string): string {
  if (issue.code === 'invalid_type' && received === undefined) return `'${field}' is a required property`;
  if (issue.code === 'invalid_type') return `${JSON.stringify(received)} is not of type '${issue.expected}'`;
  if (issue.code === 'too_big') {
    return typeof received === 'string'
      ? `${JSON.stringify(received)} is too long`
      : `${JSON.stringify(received)} is greater than the maximum of ${String(issue.maximum)}`;
  }
  if (issue.code === 'too_small') {
    return typeof received === 'string'
      ? `${JSON.stringify(received)} is too short`
      : `${JSON.stringify(received)} is less than the minimum of ${String(issue.minimum)}`;
  }
  return issue.message;
}

/** Cinder takes booleans as JSON booleans or as the strings oslo's bool_from_string knows. */
export const cinderBoolean = z.preprocess((value) => {
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (['true', 't', 'yes', 'y', 'on', '1'].includes(lower)) return true;
    if (['false', 'f', 'no', 'n', 'off', '0'].includes(lower)) return false;
  }
  return value;
}, z.boolean());

/** Sizes and other integers may arrive as digit strings ("1"), as Cinder's schema allows. */
export const cinderInteger = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int(),
);

export const nameField = z.string().max(255).nullable();
export const descriptionField = z.string().max(255).nullable();

/** Metadata: string keys of 1-255 characters and string values up to 255. */
export const metadataField = z.record(z.string().min(1).max(255), z.string().max(255));

export const uuidField = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
    'is not a uuid',
  );

/** An action body `{"os-xxx": null}` or `{"os-xxx": {}}` with no arguments. */
export const noArguments = z.union([z.null(), z.object({}).strict()]);
