import { ALL_FILTERS } from './filters/all-filters';
import { FilterScheduler } from './filter-scheduler';
import type { HostState, RequestSpec, ServerGroup } from './host-state';
import {
  DEFAULT_ENABLED_FILTERS,
  DEFAULT_ENABLED_WEIGHERS,
  DEFAULT_WEIGHT_MULTIPLIERS,
  type SchedulerConfig,
} from './scheduler-config';
import { InvalidSchedulerConfigException, NoValidHostException } from './scheduler.exception';
import { hostState, inventory, NOW, requestSpec } from './test/host-state.factory';
import { ALL_WEIGHERS } from './weighers/all-weighers';

const clock = () => NOW;
const scheduler = (config: SchedulerConfig = {}) => new FilterScheduler(config, clock);
const names = (hosts: readonly HostState[]) => hosts.map((h) => h.host);
const withFreeRam = (host: string, usedMb: number) => hostState({ host, memoryMb: inventory(32768, usedMb) });
const ramOnly: SchedulerConfig = { enabledWeighers: ['RAMWeigher'] };
const instances = (n: number) => Array.from({ length: n }, (_, i) => `vm-${i + 1}`);
const group = (policy: ServerGroup['policy'], members: string[] = []): ServerGroup => ({
  id: 'group-1',
  policy,
  members,
  hosts: [],
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

describe('FilterScheduler', () => {
  describe('construction', () => {
    it("uses Nova's defaults when given no config", () => {
      const s = scheduler();
      expect(s.filters.map((f) => f.name)).toEqual(DEFAULT_ENABLED_FILTERS);
      expect(s.weighers.map((w) => w.name)).toEqual(DEFAULT_ENABLED_WEIGHERS);
      expect(s.weighers.map((w) => w.multiplier(hostState()))).toEqual([
        DEFAULT_WEIGHT_MULTIPLIERS.ram,
        DEFAULT_WEIGHT_MULTIPLIERS.cpu,
        DEFAULT_WEIGHT_MULTIPLIERS.disk,
        DEFAULT_WEIGHT_MULTIPLIERS.numInstances,
        DEFAULT_WEIGHT_MULTIPLIERS.ioOps,
        -DEFAULT_WEIGHT_MULTIPLIERS.buildFailure,
        DEFAULT_WEIGHT_MULTIPLIERS.softAffinity,
        DEFAULT_WEIGHT_MULTIPLIERS.softAntiAffinity,
      ]);
    });

    it('runs the filters in the configured order', () => {
      const order = ['SameHostFilter', 'ComputeFilter', 'RamFilter'];
      expect(scheduler({ enabledFilters: order }).filters.map((f) => f.name)).toEqual(order);
    });

    it('builds every known filter and weigher under the name it is configured by', () => {
      const s = scheduler({
        enabledFilters: [...ALL_FILTERS.keys()],
        enabledWeighers: [...ALL_WEIGHERS.keys()],
      });
      expect(s.filters.map((f) => f.name)).toEqual([...ALL_FILTERS.keys()]);
      expect(s.weighers.map((w) => w.name)).toEqual([...ALL_WEIGHERS.keys()]);
    });

    it('refuses an unknown filter, naming it', () => {
      const error = captureError(() => scheduler({ enabledFilters: ['ComputeFilter', 'CoreFilter'] }));
      expect(error).toBeInstanceOf(InvalidSchedulerConfigException);
      expect((error as Error).message).toContain("'CoreFilter'");
    });

    it('refuses names that only exist on Object.prototype', () => {
      expect(() => scheduler({ enabledFilters: ['toString'] })).toThrow(InvalidSchedulerConfigException);
      expect(() => scheduler({ enabledWeighers: ['constructor'] })).toThrow(InvalidSchedulerConfigException);
    });

    it('refuses an unknown weigher, naming it', () => {
      expect(() => scheduler({ enabledWeighers: ['RAMWeigher', 'MetricsWeigher'] })).toThrow(
        /'MetricsWeigher'/,
      );
    });

    it('refuses a filter or weigher enabled twice', () => {
      expect(() => scheduler({ enabledFilters: ['RamFilter', 'RamFilter'] })).toThrow(/more than once/);
      expect(() => scheduler({ enabledWeighers: ['RAMWeigher', 'RAMWeigher'] })).toThrow(/more than once/);
    });

    it('refuses out-of-range numbers', () => {
      expect(() => scheduler({ hostSubsetSize: 0 })).toThrow(InvalidSchedulerConfigException);
      expect(() => scheduler({ hostSubsetSize: 1.5 })).toThrow(InvalidSchedulerConfigException);
      expect(() => scheduler({ maxAttempts: 0 })).toThrow(InvalidSchedulerConfigException);
      expect(() => scheduler({ serviceDownTimeSeconds: 0 })).toThrow(InvalidSchedulerConfigException);
      expect(() => scheduler({ weightMultipliers: { ram: Number.NaN } })).toThrow(
        InvalidSchedulerConfigException,
      );
    });

    it('refuses an unknown weight multiplier', () => {
      const config = { weightMultipliers: { memory: 2 } } as unknown as SchedulerConfig;
      expect(() => scheduler(config)).toThrow(/'memory'/);
    });

    it('applies configured multipliers', () => {
      const s = scheduler({
        enabledWeighers: ['RAMWeigher', 'IoOpsWeigher'],
        weightMultipliers: { ram: -1 },
      });
      expect(s.weighers.map((w) => w.multiplier(hostState()))).toEqual([-1, -1]);
    });
  });

  describe('filterHosts', () => {
    const hosts = [
      hostState({ host: 'up' }),
      hostState({ host: 'down', lastHeartbeatAt: NOW - 3_600_000 }),
      hostState({ host: 'small', memoryMb: inventory(1024) }),
    ];

    it('keeps the hosts that every filter passes', () => {
      expect(names(scheduler().filterHosts(hosts, requestSpec()).hosts)).toEqual(['up']);
    });

    it('names the filter that removed the last candidates', () => {
      const s = scheduler({ enabledFilters: ['ComputeFilter', 'RamFilter', 'DiskFilter'] });
      const result = s.filterHosts(hosts.slice(1), requestSpec());
      expect(result.hosts).toEqual([]);
      expect(result.emptiedBy).toBe('RamFilter');
    });

    it('drops ignored hosts, whatever their case', () => {
      expect(names(scheduler().filterHosts(hosts, requestSpec({ ignoreHosts: ['UP'] })).hosts)).toEqual([]);
    });

    it('takes forced hosts without running the filters', () => {
      const result = scheduler().filterHosts(hosts, requestSpec({ forceHosts: ['Down', 'missing'] }));
      expect(names(result.hosts)).toEqual(['down']);
    });

    it('does not take a forced host that is also ignored', () => {
      const spec = requestSpec({ forceHosts: ['down'], ignoreHosts: ['down'] });
      expect(scheduler().filterHosts(hosts, spec).hosts).toEqual([]);
    });
  });

  describe('weighHosts', () => {
    it('puts the host with most free memory first by default', () => {
      const hosts = [withFreeRam('a', 16384), withFreeRam('b', 0), withFreeRam('c', 8192)];
      const weighed = scheduler(ramOnly).weighHosts(hosts, requestSpec());
      expect(weighed.map((w) => [w.host.host, w.weight])).toEqual([
        ['b', 1],
        ['c', 0.5],
        ['a', 0],
      ]);
    });

    it('stacks instead of spreading with a negative multiplier', () => {
      const hosts = [withFreeRam('a', 16384), withFreeRam('b', 0), withFreeRam('c', 8192)];
      const weighed = scheduler({ ...ramOnly, weightMultipliers: { ram: -1 } }).weighHosts(
        hosts,
        requestSpec(),
      );
      expect(names(weighed.map((w) => w.host))).toEqual(['a', 'c', 'b']);
    });

    it('adds the normalised values of every weigher, each times its multiplier', () => {
      const s = scheduler({
        enabledWeighers: ['RAMWeigher', 'IoOpsWeigher'],
        weightMultipliers: { ram: 2, ioOps: -3 },
      });
      const hosts = [
        hostState({ host: 'roomy-busy', memoryMb: inventory(32768, 0), numIoOps: 4 }),
        hostState({ host: 'full-idle', memoryMb: inventory(32768, 16384), numIoOps: 0 }),
        hostState({ host: 'middle', memoryMb: inventory(32768, 8192), numIoOps: 2 }),
      ];
      const weights = Object.fromEntries(
        s.weighHosts(hosts, requestSpec()).map((w) => [w.host.host, w.weight]),
      );
      expect(weights).toEqual({
        'roomy-busy': 2 * 1 - 3 * 1,
        'full-idle': 2 * 0 - 3 * 0,
        middle: 2 * 0.5 - 3 * 0.5,
      });
    });

    it('lets a host with build failures lose whatever else it offers', () => {
      const hosts = [
        hostState({ host: 'failing', memoryMb: inventory(65536), failedBuilds: 1 }),
        hostState({ host: 'healthy', memoryMb: inventory(4096, 2048) }),
      ];
      expect(scheduler().weighHosts(hosts, requestSpec())[0].host.host).toBe('healthy');
    });

    it('keeps input order between hosts of equal weight', () => {
      const hosts = [hostState({ host: 'x' }), hostState({ host: 'y' }), hostState({ host: 'z' })];
      expect(
        names(
          scheduler()
            .weighHosts(hosts, requestSpec())
            .map((w) => w.host),
        ),
      ).toEqual(['x', 'y', 'z']);
    });
  });

  describe('select', () => {
    const four = () => [
      withFreeRam('a', 4096),
      withFreeRam('b', 0),
      withFreeRam('c', 2048),
      withFreeRam('d', 8192),
    ];

    it('chooses the best host and offers the next ones as alternates', () => {
      const [selection] = scheduler(ramOnly).select(four(), requestSpec(), () => 0);
      expect(selection.instanceId).toBe('instance-1');
      expect(selection.destination).toEqual({ host: 'b', nodename: 'b', weight: 1 });
      expect(selection.alternates.map((d) => d.host)).toEqual(['c', 'a']);
    });

    it('offers maxAttempts - 1 alternates', () => {
      expect(
        scheduler({ ...ramOnly, maxAttempts: 4 }).select(four(), requestSpec(), () => 0)[0].alternates,
      ).toHaveLength(3);
      expect(
        scheduler({ ...ramOnly, maxAttempts: 1 }).select(four(), requestSpec(), () => 0)[0].alternates,
      ).toEqual([]);
    });

    it('chooses at random among the best host_subset_size hosts', () => {
      const s = scheduler({ ...ramOnly, hostSubsetSize: 3 });
      const chosen = (r: number) => s.select(four(), requestSpec(), () => r)[0].destination.host;
      expect(chosen(0)).toBe('b');
      expect(chosen(0.4)).toBe('c');
      expect(chosen(0.99)).toBe('a');
      const [selection] = s.select(four(), requestSpec(), () => 0.99);
      expect(selection.alternates.map((d) => d.host)).toEqual(['b', 'c']);
    });

    it('never chooses outside the subset, even with fewer hosts than the subset size', () => {
      const s = scheduler({ ...ramOnly, hostSubsetSize: 10 });
      expect(s.select(four(), requestSpec(), () => 0.9999)[0].destination.host).toBe('d');
    });

    it('raises NoValidHost naming the filter that left nothing', () => {
      const hosts = [hostState({ memoryMb: inventory(1024) })];
      const error = captureError(() => scheduler().select(hosts, requestSpec()));
      expect(error).toBeInstanceOf(NoValidHostException);
      expect(error).toMatchObject({ type: 'NoValidHost', emptiedBy: 'RamFilter' });
      expect((error as Error).message).toBe('No valid host was found. There are not enough hosts available.');
    });

    it('raises NoValidHost when there are no hosts at all', () => {
      expect(() => scheduler().select([], requestSpec())).toThrow(NoValidHostException);
    });

    it('spreads a multi-create across equal hosts, since each placement uses up memory', () => {
      const hosts = [withFreeRam('a', 0), withFreeRam('b', 0), withFreeRam('c', 0)];
      const selections = scheduler(ramOnly).select(
        hosts,
        requestSpec({ instanceUuids: instances(3) }),
        () => 0,
      );
      expect(selections.map((s) => s.instanceId)).toEqual(['vm-1', 'vm-2', 'vm-3']);
      expect(selections.map((s) => s.destination.host)).toEqual(['a', 'b', 'c']);
    });

    it('stacks a multi-create on one host with a negative RAM multiplier', () => {
      const hosts = [withFreeRam('a', 0), withFreeRam('b', 1024)];
      const s = scheduler({ ...ramOnly, weightMultipliers: { ram: -1 } });
      const selections = s.select(hosts, requestSpec({ instanceUuids: instances(3) }), () => 0);
      expect(selections.map((sel) => sel.destination.host)).toEqual(['b', 'b', 'b']);
    });

    it('moves on once a host is full', () => {
      const hosts = [
        hostState({ host: 'small', vcpus: inventory(2), memoryMb: inventory(4096) }),
        hostState({ host: 'big', vcpus: inventory(64) }),
      ];
      const spec = requestSpec({
        instanceUuids: instances(3),
        flavor: { vcpus: 1, memoryMb: 512, rootGb: 1, extraSpecs: {} },
      });
      const selections = scheduler({ ...ramOnly, weightMultipliers: { ram: -1 } }).select(
        hosts,
        spec,
        () => 0,
      );
      expect(selections.map((s) => s.destination.host)).toEqual(['small', 'small', 'big']);
    });

    it('places all instances or none', () => {
      const hosts = [hostState({ vcpus: inventory(2) })];
      const spec = requestSpec({
        instanceUuids: instances(3),
        flavor: { vcpus: 1, memoryMb: 512, rootGb: 1, extraSpecs: {} },
      });
      const error = captureError(() => scheduler().select(hosts, spec));
      expect(error).toMatchObject({ type: 'NoValidHost', emptiedBy: 'VCpuFilter' });
    });

    it('puts each member of an anti-affinity group on its own host', () => {
      const hosts = ['a', 'b', 'c'].map((host) => hostState({ host }));
      const spec = (n: number): RequestSpec =>
        requestSpec({ instanceUuids: instances(n), serverGroup: group('anti-affinity', instances(n)) });
      const selections = scheduler({ ...ramOnly, weightMultipliers: { ram: -1 } }).select(
        hosts,
        spec(3),
        () => 0,
      );
      expect(new Set(selections.map((s) => s.destination.host)).size).toBe(3);
      expect(() => scheduler().select(hosts, spec(4))).toThrow(NoValidHostException);
    });

    it('keeps an anti-affinity group apart even when the caller left the new instances out of its members', () => {
      const hosts = ['a', 'b'].map((host) => hostState({ host }));
      const spec = requestSpec({ instanceUuids: instances(2), serverGroup: group('anti-affinity') });
      const selections = scheduler({ ...ramOnly, weightMultipliers: { ram: -1 } }).select(
        hosts,
        spec,
        () => 0,
      );
      expect(selections.map((s) => s.destination.host)).toEqual(['a', 'b']);
    });

    it('puts every member of an affinity group on the host of the first', () => {
      const hosts = ['a', 'b', 'c'].map((host) => hostState({ host }));
      const spec = requestSpec({ instanceUuids: instances(3), serverGroup: group('affinity', instances(3)) });
      const selections = scheduler(ramOnly).select(hosts, spec, () => 0);
      expect(selections.map((s) => s.destination.host)).toEqual(['a', 'a', 'a']);
    });

    it('spreads a soft-anti-affinity group even when the other weighers would stack it', () => {
      const hosts = ['a', 'b', 'c'].map((host) => hostState({ host }));
      const s = scheduler({
        enabledWeighers: ['RAMWeigher', 'ServerGroupSoftAntiAffinityWeigher'],
        weightMultipliers: { ram: -1, softAntiAffinity: 2 },
      });
      const spec = requestSpec({
        instanceUuids: instances(3),
        serverGroup: group('soft-anti-affinity', instances(3)),
      });
      const selections = s.select(hosts, spec, () => 0);
      expect(new Set(selections.map((sel) => sel.destination.host)).size).toBe(3);
    });

    it('lets a soft-anti-affinity group share hosts once every host has a member', () => {
      const hosts = ['a', 'b'].map((host) => hostState({ host }));
      const spec = requestSpec({
        instanceUuids: instances(3),
        serverGroup: group('soft-anti-affinity', instances(3)),
      });
      const selections = scheduler().select(hosts, spec, () => 0);
      expect(selections.map((s) => s.destination.host).sort()).toEqual(['a', 'a', 'b']);
    });

    it('gathers a soft-affinity group on one host when it fits', () => {
      const hosts = ['a', 'b', 'c'].map((host) => hostState({ host }));
      const s = scheduler({
        enabledWeighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'],
        weightMultipliers: { softAffinity: 2 },
      });
      const spec = requestSpec({
        instanceUuids: instances(3),
        serverGroup: group('soft-affinity', instances(3)),
      });
      expect(s.select(hosts, spec, () => 0).map((sel) => sel.destination.host)).toEqual(['a', 'a', 'a']);
    });

    it('gives every instance of a multi-create the same alternates, none of them a chosen host', () => {
      const hosts = [
        withFreeRam('a', 0),
        withFreeRam('b', 0),
        withFreeRam('c', 4096),
        withFreeRam('d', 6144),
      ];
      const selections = scheduler(ramOnly).select(
        hosts,
        requestSpec({ instanceUuids: instances(2) }),
        () => 0,
      );
      expect(selections.map((s) => s.destination.host)).toEqual(['a', 'b']);
      for (const selection of selections) expect(selection.alternates.map((d) => d.host)).toEqual(['c', 'd']);
    });

    it('leaves the hosts it was given unchanged', () => {
      const hosts = [withFreeRam('a', 0), withFreeRam('b', 0)];
      const before = structuredClone(hosts);
      const group1 = group('anti-affinity', ['vm-1', 'vm-2']);
      const spec = requestSpec({ instanceUuids: instances(2), serverGroup: group1 });
      scheduler(ramOnly).select(hosts, spec, () => 0);
      expect(hosts).toEqual(before);
      expect(group1.hosts).toEqual([]);
    });
  });
});
