import { consumeFromRequest } from './claim';
import { ALL_FILTERS, type FilterSettings } from './filters/all-filters';
import type { HostFilter } from './filters/host-filter';
import type { HostState, RequestSpec } from './host-state';
import {
  DEFAULT_ENABLED_FILTERS,
  DEFAULT_ENABLED_WEIGHERS,
  DEFAULT_HOST_SUBSET_SIZE,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_SERVICE_DOWN_TIME_SECONDS,
  DEFAULT_WEIGHT_MULTIPLIERS,
  type SchedulerConfig,
  type WeightMultipliers,
} from './scheduler-config';
import { InvalidSchedulerConfigException, NoValidHostException } from './scheduler.exception';
import { ALL_WEIGHERS } from './weighers/all-weighers';
import type { HostWeigher } from './weighers/host-weigher';
import { normalize } from './weighers/normalize';

export interface FilteredHosts {
  readonly hosts: readonly HostState[];
  /** The filter that removed the last candidates, when one did. */
  readonly emptiedBy?: string;
}

export interface WeighedHost {
  readonly host: HostState;
  readonly weight: number;
}

export interface Destination {
  readonly host: string;
  readonly nodename: string;
  readonly weight: number;
}

export interface Selection {
  readonly instanceId: string;
  readonly destination: Destination;
  /** Where to retry, best first, if the build on `destination` fails. */
  readonly alternates: readonly Destination[];
}

/**
 * Nova's filter scheduler: keep the hosts every enabled filter passes, weigh them, pick among the
 * best few. It only chooses; claiming the chosen host's resources is the caller's, through `claim`.
 */
export class FilterScheduler {
  readonly filters: readonly HostFilter[];
  readonly weighers: readonly HostWeigher[];
  private readonly hostSubsetSize: number;
  private readonly alternatesPerInstance: number;

  /** Throws InvalidSchedulerConfigException on any unknown name or out-of-range value. */
  constructor(config: SchedulerConfig = {}, clock: () => number = Date.now) {
    const serviceDownTimeSeconds = config.serviceDownTimeSeconds ?? DEFAULT_SERVICE_DOWN_TIME_SECONDS;
    if (!(Number.isFinite(serviceDownTimeSeconds) && serviceDownTimeSeconds > 0)) {
      throw new InvalidSchedulerConfigException(
        `serviceDownTimeSeconds must be a positive number, not ${serviceDownTimeSeconds}.`,
      );
    }
    this.hostSubsetSize = positiveInteger(
      'hostSubsetSize',
      config.hostSubsetSize ?? DEFAULT_HOST_SUBSET_SIZE,
    );
    this.alternatesPerInstance =
      positiveInteger('maxAttempts', config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1;
    const filterSettings: FilterSettings = { serviceDownTimeSeconds, clock };
    this.filters = instantiate(
      'filter',
      config.enabledFilters ?? DEFAULT_ENABLED_FILTERS,
      ALL_FILTERS,
      filterSettings,
    );
    this.weighers = instantiate(
      'weigher',
      config.enabledWeighers ?? DEFAULT_ENABLED_WEIGHERS,
      ALL_WEIGHERS,
      weightMultipliers(config.weightMultipliers ?? {}),
    );
  }

  /**
   * Ignored hosts are dropped first. Forced hosts are then taken without running the filters, as
   * Nova does: an administrator has decided, and capacity is still guarded by the claim.
   */
  filterHosts(hosts: readonly HostState[], spec: RequestSpec): FilteredHosts {
    let remaining = hosts;
    if (spec.ignoreHosts?.length) {
      const ignored = hostNameSet(spec.ignoreHosts);
      remaining = remaining.filter((h) => !ignored.has(h.host.toLowerCase()));
    }
    if (spec.forceHosts?.length) {
      const forced = hostNameSet(spec.forceHosts);
      return { hosts: remaining.filter((h) => forced.has(h.host.toLowerCase())) };
    }
    for (const filter of this.filters) {
      remaining = remaining.filter((h) => filter.hostPasses(h, spec));
      if (remaining.length === 0) return { hosts: [], emptiedBy: filter.name };
    }
    return { hosts: remaining };
  }

  /** Best first; hosts of equal weight keep their input order. */
  weighHosts(hosts: readonly HostState[], spec: RequestSpec): WeighedHost[] {
    const weights = hosts.map(() => 0);
    for (const weigher of this.weighers) {
      const normalized = normalize(hosts.map((h) => weigher.weigh(h, spec)));
      for (let i = 0; i < hosts.length; i++) weights[i] += weigher.multiplier(hosts[i]) * normalized[i];
    }
    return hosts.map((host, i) => ({ host, weight: weights[i] })).sort((a, b) => b.weight - a.weight);
  }

  /**
   * Chooses a host for each of spec.instanceUuids, in order, and gives each choice its alternates.
   * Each instance is placed against the hosts as the previous ones left them, so a multi-create
   * spreads or stacks as the weighers say and the group filters see the group grow. The hosts
   * passed in are not modified. Throws NoValidHostException unless every instance gets a host.
   * `random` returns a number in [0, 1), as Math.random does; tests pass their own.
   */
  select(hosts: readonly HostState[], spec: RequestSpec, random: () => number = Math.random): Selection[] {
    let pool = hosts;
    let current = spec;
    let ranked: WeighedHost[] = [];
    const chosen: { instanceId: string; destination: Destination }[] = [];
    for (const instanceId of spec.instanceUuids) {
      const filtered = this.filterHosts(pool, current);
      ranked = this.weighHosts(filtered.hosts, current);
      if (ranked.length === 0) throw new NoValidHostException(filtered.emptiedBy);
      // Choosing at random among the best few keeps concurrent schedulers, which share one view of
      // the hosts, from all piling onto the same host.
      const subset = Math.min(this.hostSubsetSize, ranked.length);
      const pick = ranked[Math.min(Math.floor(random() * subset), subset - 1)];
      const placed = consumeFromRequest(pick.host, current, instanceId);
      pool = pool.map((h) => (h === pick.host ? placed : h));
      current = withPlacement(current, placed.host, instanceId);
      chosen.push({ instanceId, destination: destinationOf(pick) });
    }
    // Placements change only the chosen hosts, so the last ranking still holds for the others. A
    // chosen host already took part of the request; as an alternate it would most likely fail too.
    const chosenHosts = new Set(chosen.map((c) => c.destination.host));
    const alternates = ranked
      .filter((w) => !chosenHosts.has(w.host.host))
      .slice(0, this.alternatesPerInstance)
      .map(destinationOf);
    return chosen.map((c) => ({ ...c, alternates }));
  }
}

function destinationOf({ host, weight }: WeighedHost): Destination {
  return { host: host.host, nodename: host.nodename, weight };
}

/** Records the placement in the request's server group, for the group filters and weighers of the next instance. */
function withPlacement(spec: RequestSpec, host: string, instanceId: string): RequestSpec {
  const group = spec.serverGroup;
  if (!group) return spec;
  return {
    ...spec,
    serverGroup: {
      ...group,
      members: group.members.includes(instanceId) ? group.members : [...group.members, instanceId],
      hosts: group.hosts.includes(host) ? group.hosts : [...group.hosts, host],
    },
  };
}

/** Host names are DNS names, which ignore case. */
function hostNameSet(names: readonly string[]): Set<string> {
  return new Set(names.map((n) => n.toLowerCase()));
}

function positiveInteger(option: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new InvalidSchedulerConfigException(`${option} must be an integer of at least 1, not ${value}.`);
  }
  return value;
}

function weightMultipliers(overrides: Partial<WeightMultipliers>): WeightMultipliers {
  const merged: { -readonly [K in keyof WeightMultipliers]: number } = { ...DEFAULT_WEIGHT_MULTIPLIERS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!isMultiplierName(key)) {
      throw new InvalidSchedulerConfigException(
        `Unknown weight multiplier '${key}'. Known: ${Object.keys(DEFAULT_WEIGHT_MULTIPLIERS).join(', ')}.`,
      );
    }
    if (value === undefined) continue;
    if (!Number.isFinite(value)) {
      throw new InvalidSchedulerConfigException(
        `Weight multiplier '${key}' must be a finite number, not ${value}.`,
      );
    }
    merged[key] = value;
  }
  return merged;
}

function isMultiplierName(key: string): key is keyof WeightMultipliers {
  return Object.hasOwn(DEFAULT_WEIGHT_MULTIPLIERS, key);
}

function instantiate<T, S>(
  kind: 'filter' | 'weigher',
  names: readonly string[],
  registry: ReadonlyMap<string, (settings: S) => T>,
  settings: S,
): T[] {
  const created: T[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const create = registry.get(name);
    if (create) created.push(create(settings));
    else unknown.push(`'${name}'`);
  }
  if (unknown.length > 0) {
    throw new InvalidSchedulerConfigException(
      `Unknown scheduler ${kind} ${unknown.join(', ')}. Known: ${[...registry.keys()].join(', ')}.`,
    );
  }
  // Listing a weigher twice would silently double its say; listing a filter twice is a typo at best.
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new InvalidSchedulerConfigException(`Scheduler ${kind} '${repeated}' is enabled more than once.`);
  }
  return created;
}
