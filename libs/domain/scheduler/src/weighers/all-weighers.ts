import type { WeightMultipliers } from '../scheduler-config';
import { BuildFailureWeigher } from './build-failure.weigher';
import { CpuWeigher } from './cpu.weigher';
import { DiskWeigher } from './disk.weigher';
import type { HostWeigher } from './host-weigher';
import { IoOpsWeigher } from './io-ops.weigher';
import { NumInstancesWeigher } from './num-instances.weigher';
import { RamWeigher } from './ram.weigher';
import { ServerGroupSoftAffinityWeigher } from './server-group-soft-affinity.weigher';
import { ServerGroupSoftAntiAffinityWeigher } from './server-group-soft-anti-affinity.weigher';

/** Every weigher a configuration may name, by the name Nova gives it. */
export const ALL_WEIGHERS: ReadonlyMap<string, (multipliers: WeightMultipliers) => HostWeigher> = new Map<
  string,
  (multipliers: WeightMultipliers) => HostWeigher
>([
  ['RAMWeigher', (m) => new RamWeigher(m.ram)],
  ['CPUWeigher', (m) => new CpuWeigher(m.cpu)],
  ['DiskWeigher', (m) => new DiskWeigher(m.disk)],
  ['NumInstancesWeigher', (m) => new NumInstancesWeigher(m.numInstances)],
  ['IoOpsWeigher', (m) => new IoOpsWeigher(m.ioOps)],
  ['BuildFailureWeigher', (m) => new BuildFailureWeigher(m.buildFailure)],
  ['ServerGroupSoftAffinityWeigher', (m) => new ServerGroupSoftAffinityWeigher(m.softAffinity)],
  ['ServerGroupSoftAntiAffinityWeigher', (m) => new ServerGroupSoftAntiAffinityWeigher(m.softAntiAffinity)],
]);
