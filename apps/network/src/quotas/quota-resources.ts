import type { NetworkConfig } from '../config/network-config';

/** The resources Neutron counts, by the names its quota API uses, with the table each lives in. */
export const QUOTA_RESOURCES = {
  network: 'network',
  subnet: 'subnet',
  port: 'port',
  router: 'router',
  floatingip: 'floating_ip',
  security_group: 'security_group',
  security_group_rule: 'security_group_rule',
} as const;

export type QuotaResource = keyof typeof QUOTA_RESOURCES;

export const QUOTA_RESOURCE_NAMES = Object.keys(QUOTA_RESOURCES) as QuotaResource[];

export function defaultQuotas(config: NetworkConfig): Record<QuotaResource, number> {
  return {
    network: config.NETWORK_QUOTA_NETWORK,
    subnet: config.NETWORK_QUOTA_SUBNET,
    port: config.NETWORK_QUOTA_PORT,
    router: config.NETWORK_QUOTA_ROUTER,
    floatingip: config.NETWORK_QUOTA_FLOATINGIP,
    security_group: config.NETWORK_QUOTA_SECURITY_GROUP,
    security_group_rule: config.NETWORK_QUOTA_SECURITY_GROUP_RULE,
  };
}
