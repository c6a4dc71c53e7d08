import type { HostState, RequestSpec } from '../host-state';
import type { HostFilter } from './host-filter';

/**
 * Passes hosts that can run the image: its architecture and hypervisor_type properties match the
 * host's, and the host's hypervisor version satisfies hypervisor_version_requires.
 */
export class ImagePropertiesFilter implements HostFilter {
  readonly name = 'ImagePropertiesFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const { architecture, hypervisor_type: hypervisorType } = spec.image;
    if (architecture && canonicalArchitecture(architecture) !== canonicalArchitecture(host.cpuArch)) {
      return false;
    }
    if (
      hypervisorType &&
      canonicalHypervisorType(hypervisorType) !== canonicalHypervisorType(host.hypervisorType)
    ) {
      return false;
    }
    // Nova only looked at the version when architecture or type were also set, so a version
    // requirement on its own was silently ignored; here it is always honoured.
    const required = spec.image.hypervisor_version_requires;
    if (!required || !host.hypervisorVersion) return true;
    return satisfiesVersionPredicate(host.hypervisorVersion, required);
  }
}

/** Spellings Glance accepts for the same architecture, folded as Nova folds them. */
function canonicalArchitecture(name: string): string {
  const lower = name.toLowerCase();
  if (['i386', 'i486', 'i586', 'x86_32', 'x86_32p'].includes(lower)) return 'i686';
  if (lower === 'amd64') return 'x86_64';
  return lower;
}

function canonicalHypervisorType(name: string): string {
  const lower = name.toLowerCase();
  return lower === 'xapi' ? 'xen' : lower;
}

const COMPARISON = /^(<=|>=|==|!=|<|>)\s*(\d+(?:\.\d+)*)$/;

/**
 * `required` is a comma-separated list of comparisons (">=6.0,<6.2"), all of which must hold.
 * A predicate that cannot be read fails: placing the image on a host that may not run it is worse
 * than not placing it.
 */
function satisfiesVersionPredicate(version: string, required: string): boolean {
  return required.split(',').every((clause) => {
    const match = COMPARISON.exec(clause.trim());
    if (!match) return false;
    const order = compareVersions(version, match[2]);
    switch (match[1]) {
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
      case '==':
        return order === 0;
      default:
        return order !== 0;
    }
  });
}

/** Numeric, part by part, with missing parts read as 0 so that "6" equals "6.0.0". */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
