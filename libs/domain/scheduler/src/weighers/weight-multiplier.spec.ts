import type { Aggregate } from '../host-state';
import { hostState } from '../test/host-state.factory';
import { aggregateWeightMultiplier } from './weight-multiplier';

const inAggregates = (...metadata: Record<string, string>[]) =>
  hostState({ aggregates: metadata.map((m, i): Aggregate => ({ name: `agg-${i}`, metadata: m })) });

describe('aggregateWeightMultiplier', () => {
  it('falls back to the configured value when no aggregate sets the key', () => {
    expect(aggregateWeightMultiplier(inAggregates({ other: '5' }), 'ram_weight_multiplier', 1.5)).toBe(1.5);
  });

  it('takes the smallest of several overrides', () => {
    const host = inAggregates({ ram_weight_multiplier: '2' }, { ram_weight_multiplier: '-1' }, {});
    expect(aggregateWeightMultiplier(host, 'ram_weight_multiplier', 1)).toBe(-1);
  });

  it('ignores every override when one is not a number', () => {
    const host = inAggregates({ ram_weight_multiplier: '-1' }, { ram_weight_multiplier: 'lots' });
    expect(aggregateWeightMultiplier(host, 'ram_weight_multiplier', 1)).toBe(1);
    expect(
      aggregateWeightMultiplier(inAggregates({ ram_weight_multiplier: '' }), 'ram_weight_multiplier', 1),
    ).toBe(1);
  });
});
