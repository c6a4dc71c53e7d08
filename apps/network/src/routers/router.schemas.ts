import { z } from 'zod';
import {
  descriptionField,
  nameField,
  neutronBoolean,
  projectIdField,
  tagsField,
  uuidField,
} from '../common/neutron-body';

const gatewayInfo = z
  .object({
    network_id: uuidField.optional(),
    enable_snat: neutronBoolean.optional(),
    external_fixed_ips: z
      .array(
        z.object({ subnet_id: uuidField.optional(), ip_address: z.string().max(64).optional() }).strict(),
      )
      .optional(),
  })
  .strict()
  .nullable();

const route = z.object({ destination: z.string().max(64), nexthop: z.string().max(64) }).strict();

const common = {
  name: nameField,
  description: descriptionField,
  admin_state_up: neutronBoolean,
  external_gateway_info: gatewayInfo,
};

export const routerCreateSchema = z
  .object({
    ...common,
    tenant_id: projectIdField,
    project_id: projectIdField,
    availability_zone_hints: z.array(z.string().max(255)),
    /** Neither distributed nor HA routers are offered; asking for the default is fine. */
    distributed: neutronBoolean.refine((v) => !v, 'distributed routers are not supported'),
    ha: neutronBoolean.refine((v) => !v, 'HA routers are not supported'),
    tags: tagsField,
  })
  .partial()
  .strict();

export const routerUpdateSchema = z
  .object({ ...common, routes: z.array(route) })
  .partial()
  .strict();

export const interfaceSchema = z
  .object({ subnet_id: uuidField.optional(), port_id: uuidField.optional() })
  .strict();

export const routesBodySchema = z.object({ routes: z.array(route) }).strict();

export type GatewayInfo = z.infer<typeof gatewayInfo>;
export type RouterCreate = z.infer<typeof routerCreateSchema>;
export type RouterUpdate = z.infer<typeof routerUpdateSchema>;
export type InterfaceRequest = z.infer<typeof interfaceSchema>;
export type RouteRequest = z.infer<typeof route>;
