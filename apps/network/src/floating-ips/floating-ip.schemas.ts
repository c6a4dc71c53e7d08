import { z } from 'zod';
import { descriptionField, projectIdField, tagsField, uuidField } from '../common/neutron-body';

export const floatingIpCreateSchema = z
  .object({
    floating_network_id: uuidField,
    subnet_id: uuidField.nullable(),
    floating_ip_address: z.string().max(64),
    port_id: uuidField.nullable(),
    fixed_ip_address: z.string().max(64).nullable(),
    description: descriptionField,
    tenant_id: projectIdField,
    project_id: projectIdField,
    tags: tagsField,
  })
  .partial()
  .required({ floating_network_id: true })
  .strict();

export const floatingIpUpdateSchema = z
  .object({
    port_id: uuidField.nullable(),
    fixed_ip_address: z.string().max(64).nullable(),
    description: descriptionField,
  })
  .partial()
  .strict();

export type FloatingIpCreate = z.infer<typeof floatingIpCreateSchema>;
export type FloatingIpUpdate = z.infer<typeof floatingIpUpdateSchema>;
