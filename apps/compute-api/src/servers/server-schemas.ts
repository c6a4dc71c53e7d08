import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import type { Microversion } from '../common/microversion';
import {
  booleanParam,
  intParam,
  metadataParam,
  nameParam,
  tagParam,
  uuidParam,
} from '../common/nova-schemas';

const ref = z.union([z.string().min(1).max(255), z.number().int()]).transform(String);

/** Device tags on networks were accepted in 2.32-2.36 and again from 2.42 (a bug dropped them between). */
function networkTagAllowed(version: Microversion): boolean {
  return (version.atLeast('2.32') && !version.atLeast('2.37')) || version.atLeast('2.42');
}

function networkEntry(version: Microversion) {
  return z
    .object({
      uuid: (version.atLeast('2.37') ? uuidParam : z.string().min(1).max(255)).optional(),
      port: uuidParam.optional(),
      fixed_ip: z
        .string()
        .refine((ip) => isIPv4(ip) || isIPv6(ip), 'not an IP address')
        .optional(),
      ...(networkTagAllowed(version) ? { tag: tagParam.optional() } : {}),
    })
    .strict()
    .refine((n) => n.uuid !== undefined || n.port !== undefined, 'a network needs a uuid or a port');
}

export const bdmEntry = z
  .object({
    source_type: z.enum(['image', 'volume', 'snapshot', 'blank']),
    destination_type: z.enum(['local', 'volume']).optional(),
    boot_index: z
      .union([
        z.number().int(),
        z
          .string()
          .regex(/^-?\d+$/)
          .transform(Number),
        z.null(),
      ])
      .optional(),
    uuid: z.string().optional(),
    volume_size: intParam(0).optional().nullable(),
    delete_on_termination: booleanParam.optional(),
    device_name: z.string().max(255).optional().nullable(),
    disk_bus: z.string().optional().nullable(),
    device_type: z.string().optional().nullable(),
    guest_format: z.string().optional().nullable(),
    no_device: z.boolean().optional(),
    tag: tagParam.optional(),
    volume_type: z.string().optional().nullable(),
  })
  .strict();

export type BlockDeviceMapping = z.infer<typeof bdmEntry>;

const sameOrList = z.union([uuidParam, z.array(uuidParam)]).transform((v) => (Array.isArray(v) ? v : [v]));

const hintsSchema = z
  .object({
    group: uuidParam.optional(),
    same_host: sameOrList.optional(),
    different_host: sameOrList.optional(),
  })
  .catchall(z.unknown());

export function createServerSchema(version: Microversion) {
  const server = z
    .object({
      name: nameParam,
      imageRef: z.union([z.literal(''), ref]).optional(),
      flavorRef: ref,
      networks: version.atLeast('2.37')
        ? z.union([z.literal('auto'), z.literal('none'), z.array(networkEntry(version))])
        : z.array(networkEntry(version)).optional(),
      key_name: z.string().min(1).max(255).optional(),
      user_data: z.string().max(65535).optional().nullable(),
      metadata: metadataParam.optional(),
      security_groups: z.array(z.object({ name: z.string().min(1).max(255) }).strict()).optional(),
      availability_zone: z.string().max(255).optional(),
      min_count: intParam(1).optional(),
      max_count: intParam(1).optional(),
      return_reservation_id: booleanParam.optional(),
      adminPass: z.string().optional(),
      accessIPv4: z.string().refine(isIPv4, 'not an IPv4 address').optional(),
      accessIPv6: z.string().refine(isIPv6, 'not an IPv6 address').optional(),
      config_drive: z.union([z.boolean(), z.string()]).optional(),
      'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
      block_device_mapping_v2: z.array(bdmEntry).optional(),
      ...(version.atLeast('2.57')
        ? {}
        : {
            personality: z
              .array(z.object({ path: z.string().max(255), contents: z.string() }).strict())
              .optional(),
          }),
      ...(version.atLeast('2.19') ? { description: z.string().max(255).nullable().optional() } : {}),
      ...(version.atLeast('2.52') ? { tags: z.array(tagParam).max(50).optional() } : {}),
    })
    .strict();
  return z
    .object({
      server,
      'os:scheduler_hints': hintsSchema.optional(),
      'OS-SCH-HNT:scheduler_hints': hintsSchema.optional(),
    })
    .strict();
}

export type CreateServerBody = z.infer<ReturnType<typeof createServerSchema>>;

export function updateServerSchema(version: Microversion) {
  return z
    .object({
      server: z
        .object({
          name: nameParam.optional(),
          accessIPv4: z.string().refine(isIPv4, 'not an IPv4 address').optional(),
          accessIPv6: z.string().refine(isIPv6, 'not an IPv6 address').optional(),
          'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
          ...(version.atLeast('2.19') ? { description: z.string().max(255).nullable().optional() } : {}),
        })
        .strict(),
    })
    .strict();
}

export function rebuildSchema(version: Microversion) {
  return z
    .object({
      imageRef: ref,
      name: nameParam.optional(),
      adminPass: z.string().optional(),
      metadata: metadataParam.optional(),
      preserve_ephemeral: booleanParam.optional(),
      accessIPv4: z.string().refine(isIPv4, 'not an IPv4 address').optional(),
      accessIPv6: z.string().refine(isIPv6, 'not an IPv6 address').optional(),
      'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
      ...(version.atLeast('2.57')
        ? {}
        : {
            personality: z
              .array(z.object({ path: z.string().max(255), contents: z.string() }).strict())
              .optional(),
          }),
      ...(version.atLeast('2.19') ? { description: z.string().max(255).nullable().optional() } : {}),
    })
    .strict();
}
