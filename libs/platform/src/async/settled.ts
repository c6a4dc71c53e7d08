/**
 * The value of a read done side by side with others, or its error. Checking the results in the
 * order the reads would have run one after the other keeps the error a client sees the same.
 */
export function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
