import { z } from 'zod';
import {
  descriptionField,
  nameField,
  neutronBoolean,
  projectIdField,
  tagsField,
  uuidField,
} from '../common/neutron-body';

/** vnic types Neutron knows; only `normal` binds on our hosts, the rest bind as binding_failed. */
export const VNIC_TYPES = [
  'normal',
  'direct',
  'direct-physical',
  'macvtap',
  'baremetal',
  'virtio-forwarder',
  'smart-nic',
  'vdpa',
  'remote-managed',
  'accelerator-direct',
  'accelerator-direct-physical',
] as const;

const fixedIp = z
  .object({ subnet_id: uuidField.optional(), ip_address: z.string().max(64).optional() })
  .strict();
const addressPair = z
  .object({ ip_address: z.string().max(64), mac_address: z.string().max(32).optional() })
  .strict();

const common = {
  name: nameField,
  description: descriptionField,
  admin_state_up: neutronBoolean,
  mac_address: z.string().max(32),
  fixed_ips: z.array(fixedIp).max(64),
  device_id: z.string().max(255),
  device_owner: z.string().max(255),
  security_groups: z.array(uuidField).max(64),
  port_security_enabled: neutronBoolean,
  allowed_address_pairs: z.array(addressPair),
  'binding:host_id': z.string().max(255),
  'binding:profile': z.record(z.string(), z.json()).nullable(),
  'binding:vnic_type': z.enum(VNIC_TYPES),
};

export const portCreateSchema = z
  .object({
    ...common,
    network_id: uuidField,
    tenant_id: projectIdField,
    project_id: projectIdField,
    tags: tagsField,
  })
  .partial()
  .required({ network_id: true })
  .strict();

export const portUpdateSchema = z.object(common).partial().strict();

export type PortCreate = z.infer<typeof portCreateSchema>;
export type PortUpdate = z.infer<typeof portUpdateSchema>;
export type FixedIpRequest = { subnet_id?: string; ip_address?: string };
export type AddressPairRequest = { ip_address: string; mac_address?: string };
