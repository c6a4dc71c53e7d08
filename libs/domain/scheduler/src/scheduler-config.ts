/** Weigher multipliers by the name of the Nova option each mirrors (ram_weight_multiplier, ...). */
export interface WeightMultipliers {
  readonly ram: number;
  readonly cpu: number;
  readonly disk: number;
  readonly numInstances: number;
  readonly ioOps: number;
  readonly buildFailure: number;
  readonly softAffinity: number;
  readonly softAntiAffinity: number;
}

export interface SchedulerConfig {
  /** Filter names in the order they run; cheap, selective ones first make the rest cheaper. */
  readonly enabledFilters?: readonly string[];
  readonly enabledWeighers?: readonly string[];
  readonly weightMultipliers?: Partial<WeightMultipliers>;
  /** How many of the best-weighed hosts to choose among at random, so that concurrent schedulers working from the same view do not all pick the same host. */
  readonly hostSubsetSize?: number;
  /** Build attempts per instance; each selection carries maxAttempts - 1 alternates to retry on. */
  readonly maxAttempts?: number;
  /** Seconds without a heartbeat after which ComputeFilter takes a host for dead. */
  readonly serviceDownTimeSeconds?: number;
}

export const DEFAULT_WEIGHT_MULTIPLIERS: WeightMultipliers = {
  ram: 1.0,
  cpu: 1.0,
  disk: 1.0,
  numInstances: 0.0,
  ioOps: -1.0,
  buildFailure: 1_000_000.0,
  softAffinity: 1.0,
  softAntiAffinity: 1.0,
};

/**
 * Nova's default filters, plus the capacity filters that Placement makes unnecessary there: here
 * the scheduler itself is the only thing standing between a request and an overcommitted host.
 */
export const DEFAULT_ENABLED_FILTERS: readonly string[] = [
  'ComputeFilter',
  'AvailabilityZoneFilter',
  'RamFilter',
  'VCpuFilter',
  'DiskFilter',
  'ImagePropertiesFilter',
  'ServerGroupAntiAffinityFilter',
  'ServerGroupAffinityFilter',
];

/** Nova weighs with every weigher it has unless told otherwise. */
export const DEFAULT_ENABLED_WEIGHERS: readonly string[] = [
  'RAMWeigher',
  'CPUWeigher',
  'DiskWeigher',
  'NumInstancesWeigher',
  'IoOpsWeigher',
  'BuildFailureWeigher',
  'ServerGroupSoftAffinityWeigher',
  'ServerGroupSoftAntiAffinityWeigher',
];

export const DEFAULT_HOST_SUBSET_SIZE = 1;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_SERVICE_DOWN_TIME_SECONDS = 60;
