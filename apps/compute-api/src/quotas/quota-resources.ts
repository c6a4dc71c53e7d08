import type { Microversion } from '../common/microversion';

/** Nova's default quotas (the [quota] section of nova.conf). */
export const DEFAULT_QUOTAS = {
  instances: 10,
  cores: 20,
  ram: 51200,
  metadata_items: 128,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  key_pairs: 100,
  server_groups: 10,
  server_group_members: 10,
} as const;

/** Network quotas Nova showed, from its own defaults, before 2.36 moved them to the network API. */
export const LEGACY_NETWORK_QUOTAS = {
  fixed_ips: -1,
  floating_ips: 10,
  security_group_rules: 20,
  security_groups: 10,
} as const;

export type QuotaResource = keyof typeof DEFAULT_QUOTAS;

export const QUOTA_RESOURCES = Object.keys(DEFAULT_QUOTAS) as QuotaResource[];

export function isQuotaResource(name: string): name is QuotaResource {
  return name in DEFAULT_QUOTAS;
}

/** The quota names a quota set shows at this microversion, with their values. */
export function quotaSetFields(
  limits: Record<QuotaResource, number>,
  version: Microversion,
): Record<string, number> {
  return version.atLeast('2.36') ? { ...limits } : { ...limits, ...LEGACY_NETWORK_QUOTAS };
}

/** GET /limits' absolute section: maxima and, for what Nova counts, totals in use. */
export function absoluteLimits(
  limits: Record<QuotaResource, number>,
  used: { instances: number; cores: number; ram: number; server_groups: number },
  version: Microversion,
): Record<string, number> {
  const absolute: Record<string, number> = {
    maxServerMeta: limits.metadata_items,
    maxPersonality: limits.injected_files,
    maxPersonalitySize: limits.injected_file_content_bytes,
    maxTotalKeypairs: limits.key_pairs,
    maxServerGroups: limits.server_groups,
    maxServerGroupMembers: limits.server_group_members,
    maxTotalCores: limits.cores,
    maxTotalInstances: limits.instances,
    maxTotalRAMSize: limits.ram,
    totalCoresUsed: used.cores,
    totalInstancesUsed: used.instances,
    totalRAMUsed: used.ram,
    totalServerGroupsUsed: used.server_groups,
  };
  if (!version.atLeast('2.39')) absolute.maxImageMeta = limits.metadata_items;
  if (!version.atLeast('2.36')) {
    Object.assign(absolute, {
      maxSecurityGroups: LEGACY_NETWORK_QUOTAS.security_groups,
      maxSecurityGroupRules: LEGACY_NETWORK_QUOTAS.security_group_rules,
      maxTotalFloatingIps: LEGACY_NETWORK_QUOTAS.floating_ips,
      totalFloatingIpsUsed: 0,
      totalSecurityGroupsUsed: 0,
    });
  }
  return absolute;
}

/**
 * How many of `count` servers fit: each takes one instance, the flavor's vCPUs and RAM. -1 is
 * unlimited. Returns the number that fit and, when that is below `min`, the first resource over.
 */
export function serversThatFit(
  limits: Record<QuotaResource, number>,
  used: { instances: number; cores: number; ram: number },
  flavor: { vcpus: number; memoryMb: number },
  min: number,
  max: number,
): {
  count: number;
  over?: { resource: 'instances' | 'cores' | 'ram'; requested: number; used: number; allowed: number };
} {
  const each = { instances: 1, cores: flavor.vcpus, ram: flavor.memoryMb };
  let count = max;
  for (const resource of ['instances', 'cores', 'ram'] as const) {
    if (limits[resource] < 0 || each[resource] === 0) continue;
    count = Math.min(count, Math.floor(Math.max(0, limits[resource] - used[resource]) / each[resource]));
  }
  if (count >= min) return { count };
  const over = (['instances', 'cores', 'ram'] as const).find(
    (r) => limits[r] >= 0 && used[r] + each[r] * min > limits[r],
  )!;
  return {
    count,
    over: { resource: over, requested: each[over] * min, used: used[over], allowed: limits[over] },
  };
}
