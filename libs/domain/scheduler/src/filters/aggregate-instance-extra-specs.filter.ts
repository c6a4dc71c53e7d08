import { aggregateMetadata } from '../host-state';
import type { HostState, RequestSpec } from '../host-state';
import { matchesExtraSpec } from './extra-spec-match';
import type { HostFilter } from './host-filter';

const SCOPE = 'aggregate_instance_extra_specs';

/**
 * Passes hosts whose aggregate metadata satisfies the flavor's extra specs. Keys scoped
 * `aggregate_instance_extra_specs:` and unscoped keys are checked (Nova checks both, so flavors
 * written for Nova keep their meaning); keys in any other scope (hw:, quota:, ...) belong to others.
 */
export class AggregateInstanceExtraSpecsFilter implements HostFilter {
  readonly name = 'AggregateInstanceExtraSpecsFilter';

  hostPasses(host: HostState, spec: RequestSpec): boolean {
    const requirements = Object.entries(spec.flavor.extraSpecs).flatMap(([key, requirement]) => {
      const separator = key.indexOf(':');
      if (separator < 0) return [{ key, requirement }];
      return key.slice(0, separator) === SCOPE ? [{ key: key.slice(separator + 1), requirement }] : [];
    });
    if (requirements.length === 0) return true;
    const metadata = aggregateMetadata(host);
    return requirements.every(({ key, requirement }) =>
      [...(metadata.get(key) ?? [])].some((value) => matchesExtraSpec(value, requirement)),
    );
  }
}
