import { z } from 'zod';

const domainRef = z.object({ id: z.string().optional(), name: z.string().optional() }).strict().optional();

const userRef = z
  .object({
    id: z.string().max(64).optional(),
    name: z.string().max(255).optional(),
    domain: domainRef,
    password: z.string().max(4096).optional(),
  })
  .refine((u) => u.id !== undefined || u.name !== undefined, 'a user id or name is required');

/** POST /v3/auth/tokens, as Keystone's JSON schema for it accepts. */
export const tokenRequestSchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).min(1),
      password: z
        .object({ user: userRef.refine((u) => u.password !== undefined, 'password is required') })
        .optional(),
      token: z.object({ id: z.string().min(1).max(4096) }).optional(),
      application_credential: z
        .object({
          id: z.string().max(64).optional(),
          name: z.string().max(255).optional(),
          secret: z.string().max(4096),
          user: userRef.optional(),
        })
        .optional(),
    }),
    scope: z
      .union([
        z.literal('unscoped'),
        z.object({
          project: z
            .object({ id: z.string().optional(), name: z.string().optional(), domain: domainRef })
            .refine((p) => p.id !== undefined || p.name !== undefined, 'a project id or name is required')
            .optional(),
          domain: z
            .object({ id: z.string().optional(), name: z.string().optional() })
            .refine((d) => d.id !== undefined || d.name !== undefined, 'a domain id or name is required')
            .optional(),
          system: z.object({ all: z.boolean() }).optional(),
          'OS-TRUST:trust': z.unknown().optional(),
        }),
      ])
      .optional(),
  }),
});

export type TokenRequest = z.infer<typeof tokenRequestSchema>;
