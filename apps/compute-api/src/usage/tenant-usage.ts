import { usageTime } from '../common/nova-input';
import type { InstanceEntity } from '../servers/instance.entity';

const HOUR_MS = 3_600_000;

export interface UsagePeriod {
  start: Date;
  stop: Date;
  /** When "now" is, for the uptime of servers still running. */
  now: Date;
}

/** The part of the period a server ran in, in hours: from its launch to its termination. */
export function hoursIn(instance: InstanceEntity, period: UsagePeriod): number {
  const launched = instance.launchedAt;
  if (!launched) return 0;
  const terminated = instance.terminatedAt;
  if (terminated && terminated < period.start) return 0;
  if (launched > period.stop) return 0;
  const from = Math.max(launched.getTime(), period.start.getTime());
  const to = Math.min((terminated ?? period.stop).getTime(), period.stop.getTime());
  return Math.max(0, to - from) / HOUR_MS;
}

export function serverUsage(instance: InstanceEntity, period: UsagePeriod) {
  const { flavor } = instance;
  const ended = instance.terminatedAt;
  const started = instance.launchedAt ?? instance.createdAt;
  return {
    instance_id: instance.uuid,
    name: instance.displayName,
    hours: hoursIn(instance, period),
    memory_mb: flavor.memoryMb,
    local_gb: flavor.rootGb + flavor.ephemeralGb,
    vcpus: flavor.vcpus,
    tenant_id: instance.projectId,
    flavor: flavor.name,
    started_at: usageTime(started),
    ended_at: usageTime(ended),
    state: instance.deleted ? 'terminated' : instance.vmState,
    uptime: Math.floor(((ended ?? period.now).getTime() - started.getTime()) / 1000),
  };
}

/**
 * Nova's simple tenant usage for one project over a period: hours of each server, and those hours
 * weighted by the server's vCPUs, RAM and disk, summed.
 */
export function tenantUsage(
  projectId: string,
  instances: InstanceEntity[],
  period: UsagePeriod,
  detailed: boolean,
) {
  const servers = instances.map((instance) => serverUsage(instance, period));
  const sum = (of: (server: (typeof servers)[number]) => number) =>
    servers.reduce((total, server) => total + of(server), 0);
  return {
    tenant_id: projectId,
    total_local_gb_usage: sum((s) => s.hours * s.local_gb),
    total_vcpus_usage: sum((s) => s.hours * s.vcpus),
    total_memory_mb_usage: sum((s) => s.hours * s.memory_mb),
    total_hours: sum((s) => s.hours),
    start: usageTime(period.start),
    stop: usageTime(period.stop),
    ...(detailed ? { server_usages: servers } : {}),
  };
}
