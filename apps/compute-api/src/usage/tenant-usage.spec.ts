import type { InstanceEntity } from '../servers/instance.entity';
import { hoursIn, tenantUsage } from './tenant-usage';

const at = (text: string) => new Date(`${text}Z`);

function instance(overrides: Partial<InstanceEntity>): InstanceEntity {
  return {
    uuid: 'u1',
    displayName: 'web',
    projectId: 'p1',
    vmState: 'active',
    deleted: false,
    createdAt: at('2026-11-01T00:00:00'),
    launchedAt: at('2026-11-01T00:00:00'),
    terminatedAt: null,
    flavor: {
      id: '1',
      name: 'm1.small',
      vcpus: 2,
      memoryMb: 2048,
      rootGb: 20,
      ephemeralGb: 5,
      swap: 0,
      extraSpecs: {},
    },
    ...overrides,
  } as InstanceEntity;
}

const period = {
  start: at('2026-11-02T00:00:00'),
  stop: at('2026-11-03T00:00:00'),
  now: at('2026-11-10T00:00:00'),
};

describe('simple tenant usage', () => {
  it('counts only the part of the period a server ran in', () => {
    expect(hoursIn(instance({}), period)).toBe(24);
    expect(hoursIn(instance({ launchedAt: at('2026-11-02T18:00:00') }), period)).toBe(6);
    expect(hoursIn(instance({ terminatedAt: at('2026-11-02T01:30:00'), deleted: true }), period)).toBe(1.5);
    expect(hoursIn(instance({ terminatedAt: at('2026-11-01T12:00:00') }), period)).toBe(0);
    expect(hoursIn(instance({ launchedAt: at('2026-11-04T00:00:00') }), period)).toBe(0);
    expect(hoursIn(instance({ launchedAt: null }), period)).toBe(0);
  });

  it('weighs hours by vCPUs, RAM and disk, and details each server on request', () => {
    const deleted = instance({ uuid: 'u2', deleted: true, terminatedAt: at('2026-11-02T12:00:00') });
    const usage = tenantUsage('p1', [instance({}), deleted], period, true);
    expect(usage).toMatchObject({
      tenant_id: 'p1',
      total_hours: 36,
      total_vcpus_usage: 72,
      total_memory_mb_usage: 36 * 2048,
      total_local_gb_usage: 36 * 25,
      start: '2026-11-02T00:00:00.000000',
      stop: '2026-11-03T00:00:00.000000',
    });
    expect(usage.server_usages![1]).toMatchObject({
      instance_id: 'u2',
      state: 'terminated',
      ended_at: '2026-11-02T12:00:00.000000',
      uptime: 36 * 3600,
      local_gb: 25,
      flavor: 'm1.small',
    });
    expect(tenantUsage('p1', [], period, false)).not.toHaveProperty('server_usages');
  });
});
