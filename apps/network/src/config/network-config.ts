import { platformConfigSchema } from '@stratus/platform';
import { z } from 'zod';
import { normaliseMac } from '../ipam/mac-address';

const quota = (fallback: number) => z.coerce.number().int().min(-1).default(fallback);
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    );

export const networkConfigSchema = platformConfigSchema.extend({
  NETWORK_PORT: z.coerce.number().int().min(0).max(65535).default(9696),
  /** Neutron's base_mac: port MACs keep its first three octets (four when the fourth is not 00). */
  NETWORK_BASE_MAC: z
    .string()
    .default('fa:16:3e:00:00:00')
    .refine((mac) => normaliseMac(mac) !== undefined, 'must be a unicast MAC address'),
  /** The MTU of the physical networks (global_physnet_mtu); overlays subtract their headers from it. */
  NETWORK_PHYSNET_MTU: z.coerce.number().int().min(576).max(65535).default(1500),
  /** What a project's network is when nobody asks for provider attributes. */
  NETWORK_TENANT_NETWORK_TYPE: z.enum(['vxlan', 'local']).default('vxlan'),
  /** VXLAN network identifiers given to tenant networks, `first:last`. */
  NETWORK_VNI_RANGE: z
    .string()
    .default('1:16777215')
    .transform((text, context) => {
      const match = /^(\d+):(\d+)$/.exec(text);
      const [first, last] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
      if (!match || first < 1 || last > 16777215 || first > last) {
        context.addIssue({ code: 'custom', message: 'must be first:last within 1:16777215' });
        return z.NEVER;
      }
      return { first, last };
    }),
  /** Physical networks that flat and VLAN provider networks may name. */
  NETWORK_PHYSICAL_NETWORKS: list('physnet1'),
  NETWORK_AVAILABILITY_ZONES: list('nova'),
  /** Linux bridge names are this prefix plus the first 11 characters of the network id (15 at most). */
  NETWORK_BRIDGE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,3}$/, '1-4 lower-case characters')
    .default('brq'),
  NETWORK_ENABLE_SNAT_BY_DEFAULT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  NETWORK_QUOTA_NETWORK: quota(100),
  NETWORK_QUOTA_SUBNET: quota(100),
  NETWORK_QUOTA_PORT: quota(500),
  NETWORK_QUOTA_ROUTER: quota(10),
  NETWORK_QUOTA_FLOATINGIP: quota(50),
  NETWORK_QUOTA_SECURITY_GROUP: quota(10),
  NETWORK_QUOTA_SECURITY_GROUP_RULE: quota(100),
});

export type NetworkConfig = z.infer<typeof networkConfigSchema>;
