import type { Microversion } from '../common/microversion';
import { usageTime } from '../common/nova-input';
import type { ComputeHost } from './hosts.service';

export const COMPUTE_BINARY = 'nova-compute';

/** What the host's claims add up to: the scheduler's allocations plus what the host keeps back. */
export function hostUsage(host: ComputeHost) {
  const claims = Object.values(host.allocations.allocations);
  const memoryUsed = host.state.reservedMemoryMb + claims.reduce((sum, a) => sum + a.memoryMb, 0);
  const diskUsed = host.state.reservedDiskGb + claims.reduce((sum, a) => sum + a.diskGb, 0);
  return {
    vcpus: host.state.vcpus,
    vcpusUsed: claims.reduce((sum, a) => sum + a.vcpus, 0),
    memoryMb: host.state.memoryMb,
    memoryMbUsed: memoryUsed,
    localGb: host.state.diskGb,
    localGbUsed: diskUsed,
    runningVms: claims.length,
  };
}

export function serviceView(host: ComputeHost, version: Microversion) {
  return {
    id: version.atLeast('2.53') ? host.uuid : host.id,
    binary: COMPUTE_BINARY,
    host: host.host,
    zone: host.zone,
    status: host.service.disabled ? 'disabled' : 'enabled',
    state: host.up ? 'up' : 'down',
    updated_at: usageTime(new Date(host.state.heartbeatAt)),
    disabled_reason: host.service.disabledReason,
    ...(version.atLeast('2.11') ? { forced_down: host.service.forcedDown } : {}),
  };
}

export function hypervisorSummary(host: ComputeHost, version: Microversion) {
  return {
    id: version.atLeast('2.53') ? host.uuid : host.id,
    hypervisor_hostname: host.state.nodename,
    state: host.up ? 'up' : 'down',
    status: host.service.disabled ? 'disabled' : 'enabled',
  };
}

export function hypervisorDetail(host: ComputeHost, version: Microversion) {
  const usage = hostUsage(host);
  const cpuInfo = { arch: host.state.cpuArch, model: '', vendor: '', topology: {}, features: [] };
  return {
    ...hypervisorSummary(host, version),
    cpu_info: version.atLeast('2.28') ? cpuInfo : JSON.stringify(cpuInfo),
    current_workload: 0,
    disk_available_least: usage.localGb - usage.localGbUsed,
    free_disk_gb: usage.localGb - usage.localGbUsed,
    free_ram_mb: usage.memoryMb - usage.memoryMbUsed,
    host_ip: null,
    hypervisor_type: host.state.hypervisorType,
    hypervisor_version: host.state.hypervisorVersion,
    local_gb: usage.localGb,
    local_gb_used: usage.localGbUsed,
    memory_mb: usage.memoryMb,
    memory_mb_used: usage.memoryMbUsed,
    running_vms: usage.runningVms,
    service: {
      host: host.host,
      id: version.atLeast('2.53') ? host.uuid : host.id,
      disabled_reason: host.service.disabledReason,
    },
    vcpus: usage.vcpus,
    vcpus_used: usage.vcpusUsed,
  };
}

export function hypervisorStatistics(hosts: ComputeHost[]) {
  const totals = {
    count: hosts.length,
    current_workload: 0,
    disk_available_least: 0,
    free_disk_gb: 0,
    free_ram_mb: 0,
    local_gb: 0,
    local_gb_used: 0,
    memory_mb: 0,
    memory_mb_used: 0,
    running_vms: 0,
    vcpus: 0,
    vcpus_used: 0,
  };
  for (const host of hosts) {
    const usage = hostUsage(host);
    totals.disk_available_least += usage.localGb - usage.localGbUsed;
    totals.free_disk_gb += usage.localGb - usage.localGbUsed;
    totals.free_ram_mb += usage.memoryMb - usage.memoryMbUsed;
    totals.local_gb += usage.localGb;
    totals.local_gb_used += usage.localGbUsed;
    totals.memory_mb += usage.memoryMb;
    totals.memory_mb_used += usage.memoryMbUsed;
    totals.running_vms += usage.runningVms;
    totals.vcpus += usage.vcpus;
    totals.vcpus_used += usage.vcpusUsed;
  }
  return totals;
}
