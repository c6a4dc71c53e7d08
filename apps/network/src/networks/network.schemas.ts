import { z } from 'zod';
import {
  descriptionField,
  nameField,
  neutronBoolean,
  neutronInteger,
  projectIdField,
  tagsField,
} from '../common/neutron-body';

const common = {
  name: nameField,
  description: descriptionField,
  admin_state_up: neutronBoolean,
  shared: neutronBoolean,
  'router:external': neutronBoolean,
  mtu: neutronInteger,
  port_security_enabled: neutronBoolean,
  'provider:network_type': z.string().max(32),
  'provider:physical_network': z.string().max(64).nullable(),
  'provider:segmentation_id': neutronInteger.nullable(),
};

export const networkCreateSchema = z
  .object({
    ...common,
    tenant_id: projectIdField,
    project_id: projectIdField,
    availability_zone_hints: z.array(z.string().max(255)),
    tags: tagsField,
  })
  .partial()
  .strict();

export const networkUpdateSchema = z.object(common).partial().strict();

export type NetworkCreate = z.infer<typeof networkCreateSchema>;
export type NetworkUpdate = z.infer<typeof networkUpdateSchema>;
