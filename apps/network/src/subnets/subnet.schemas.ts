import { z } from 'zod';
import {
  descriptionField,
  nameField,
  neutronBoolean,
  neutronInteger,
  projectIdField,
  tagsField,
  uuidField,
} from '../common/neutron-body';
import { IPV6_MODES } from './subnet-rules';

const pool = z.object({ start: z.string().max(64), end: z.string().max(64) }).strict();
const route = z.object({ destination: z.string().max(64), nexthop: z.string().max(64) }).strict();

const common = {
  name: nameField,
  description: descriptionField,
  gateway_ip: z.string().max(64).nullable(),
  allocation_pools: z.array(pool).max(256),
  dns_nameservers: z.array(z.string().max(64)),
  host_routes: z.array(route),
  enable_dhcp: neutronBoolean,
};

export const subnetCreateSchema = z
  .object({
    ...common,
    network_id: uuidField,
    cidr: z.string().max(64),
    ip_version: neutronInteger.refine((v) => v === 4 || v === 6, 'is not in [4, 6]'),
    ipv6_ra_mode: z.enum(IPV6_MODES).nullable(),
    ipv6_address_mode: z.enum(IPV6_MODES).nullable(),
    tenant_id: projectIdField,
    project_id: projectIdField,
    /** Subnet pools are not offered: only "none" is accepted. */
    subnetpool_id: z.null(),
    segment_id: z.null(),
    service_types: z.array(z.string()).max(0),
    tags: tagsField,
  })
  .partial()
  .required({ network_id: true, ip_version: true })
  .strict();

export const subnetUpdateSchema = z.object(common).partial().strict();

export type SubnetCreate = z.infer<typeof subnetCreateSchema>;
export type SubnetUpdate = z.infer<typeof subnetUpdateSchema>;
