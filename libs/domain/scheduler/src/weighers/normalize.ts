/**
 * Min-max scaling to [0, 1], as nova/weights.py normalize does, so that weighers measured in MB,
 * vCPUs or counts can be added. When every value is the same the weigher cannot tell hosts
 * apart, and all get 0.
 */
export function normalize(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  let min = values[0];
  let max = values[0];
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min;
  return values.map((value) => (range === 0 ? 0 : (value - min) / range));
}
