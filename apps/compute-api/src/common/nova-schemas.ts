import { z } from 'zod';

const MAX_INT = 2147483647;

/** Nova accepts integers as JSON numbers or as strings of digits. */
export function intParam(min: number, max = MAX_INT) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
    z.number().int().min(min).max(max),
  );
}

/** Nova's parameter_types.boolean: JSON booleans and the usual strings. */
export const booleanParam = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const normal = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(normal)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(normal)) return false;
  return value;
}, z.boolean());

/** Nova's parameter_types.name: 1-255 characters, no leading or trailing whitespace. */
export const nameParam = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => s.trim() === s, 'leading or trailing whitespace is not allowed');

/** Server names may carry spaces at the ends (name_with_leading_trailing_spaces). */
export const serverNameParam = z
  .string()
  .max(255)
  .refine((s) => s.trim().length > 0, 'the name must not be blank');

export const metadataParam = z.record(z.string().min(1).max(255), z.string().max(255));

export const uuidParam = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/, 'not a UUID');

export const tagParam = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[^,/]*$/, "a tag may not contain ',' or '/'");
