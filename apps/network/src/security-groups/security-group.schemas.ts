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

export const securityGroupCreateSchema = z
  .object({
    name: nameField,
    description: descriptionField,
    stateful: neutronBoolean,
    tenant_id: projectIdField,
    project_id: projectIdField,
    tags: tagsField,
  })
  .partial()
  .strict();

export const securityGroupUpdateSchema = z
  .object({ name: nameField, description: descriptionField, stateful: neutronBoolean })
  .partial()
  .strict();

export const securityGroupRuleCreateSchema = z
  .object({
    security_group_id: uuidField,
    direction: z.string().max(16),
    ethertype: z.string().max(8).optional(),
    protocol: z
      .union([z.string().max(40), z.number().int()])
      .nullable()
      .optional(),
    port_range_min: neutronInteger.nullable().optional(),
    port_range_max: neutronInteger.nullable().optional(),
    remote_ip_prefix: z.string().max(64).nullable().optional(),
    remote_group_id: uuidField.nullable().optional(),
    description: descriptionField.optional(),
    tenant_id: projectIdField.optional(),
    project_id: projectIdField.optional(),
  })
  .strict();

export type SecurityGroupCreate = z.infer<typeof securityGroupCreateSchema>;
export type SecurityGroupUpdate = z.infer<typeof securityGroupUpdateSchema>;
export type SecurityGroupRuleCreate = z.infer<typeof securityGroupRuleCreateSchema>;
