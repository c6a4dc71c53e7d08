import type { Aggregate } from '../host-state';
import { hostState, requestSpec } from '../test/host-state.factory';
import { AggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs.filter';

const withSpecs = (extraSpecs: Record<string, string>) =>
  requestSpec({ flavor: { vcpus: 1, memoryMb: 512, rootGb: 1, extraSpecs } });
const inAggregates = (...metadata: Record<string, string>[]) =>
  hostState({ aggregates: metadata.map((m, i): Aggregate => ({ name: `agg-${i}`, metadata: m })) });

describe('AggregateInstanceExtraSpecsFilter', () => {
  const filter = new AggregateInstanceExtraSpecsFilter();

  it('passes any host for a flavor without extra specs', () => {
    expect(filter.hostPasses(hostState(), withSpecs({}))).toBe(true);
  });

  it('passes a host whose aggregate carries the scoped key with a matching value', () => {
    const spec = withSpecs({ 'aggregate_instance_extra_specs:ssd': 'true' });
    expect(filter.hostPasses(inAggregates({ ssd: 'true' }), spec)).toBe(true);
    expect(filter.hostPasses(inAggregates({ ssd: 'false' }), spec)).toBe(false);
  });

  it('rejects a host whose aggregates lack the key', () => {
    expect(filter.hostPasses(hostState(), withSpecs({ 'aggregate_instance_extra_specs:ssd': 'true' }))).toBe(
      false,
    );
  });

  it('checks unscoped keys too, as Nova does', () => {
    expect(filter.hostPasses(inAggregates({ gpu: 'yes' }), withSpecs({ gpu: 'yes' }))).toBe(true);
    expect(filter.hostPasses(hostState(), withSpecs({ gpu: 'yes' }))).toBe(false);
  });

  it('leaves keys of other scopes to their own filters', () => {
    expect(
      filter.hostPasses(hostState(), withSpecs({ 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '1024' })),
    ).toBe(true);
  });

  it('passes when any aggregate of the host offers a matching value, comma lists included', () => {
    const host = inAggregates({ tier: 'gold' }, { tier: 'silver, bronze' });
    expect(filter.hostPasses(host, withSpecs({ 'aggregate_instance_extra_specs:tier': 'bronze' }))).toBe(
      true,
    );
    expect(filter.hostPasses(host, withSpecs({ 'aggregate_instance_extra_specs:tier': 'platinum' }))).toBe(
      false,
    );
  });

  it('applies the requirement operators', () => {
    const host = inAggregates({ cores: '32' });
    expect(filter.hostPasses(host, withSpecs({ 'aggregate_instance_extra_specs:cores': '>= 16' }))).toBe(
      true,
    );
    expect(filter.hostPasses(host, withSpecs({ 'aggregate_instance_extra_specs:cores': '<= 16' }))).toBe(
      false,
    );
  });

  it('requires every key to match', () => {
    const host = inAggregates({ ssd: 'true', tier: 'gold' });
    const spec = withSpecs({
      'aggregate_instance_extra_specs:ssd': 'true',
      'aggregate_instance_extra_specs:tier': 'silver',
    });
    expect(filter.hostPasses(host, spec)).toBe(false);
  });
});
