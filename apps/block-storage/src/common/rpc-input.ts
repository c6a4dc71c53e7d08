import { badRequest } from '@stratus/platform';
import { z } from 'zod';
import { describeZodError } from '@stratus/platform';

export const contextSchema = z.object({
  projectId: z.string().min(1).nullable(),
  roles: z.array(z.string()),
  userId: z.string().optional(),
});

export const rpcConnectorSchema = z.object({
  host: z.string().max(255),
  ip: z.string().max(255).optional(),
  initiator: z.string().max(255).optional(),
  platform: z.string().max(255).optional(),
  osType: z.string().max(255).optional(),
  multipath: z.boolean().optional(),
  mountpoint: z.string().max(255).optional(),
});

/** Validates a request that arrived over NATS; a malformed one is a BadRequest for the caller. */
export function rpcInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeZodError(result.error));
  return result.data;
}
