import { normalize } from './normalize';

describe('normalize', () => {
  it('scales the smallest value to 0 and the largest to 1', () => {
    expect(normalize([10, 20, 15])).toEqual([0, 1, 0.5]);
  });

  it('handles negative values', () => {
    expect(normalize([-4, 0, -2])).toEqual([0, 1, 0.5]);
  });

  it('gives 0 to every value when all are equal', () => {
    expect(normalize([7, 7, 7])).toEqual([0, 0, 0]);
    expect(normalize([3])).toEqual([0]);
  });

  it('gives nothing for nothing', () => {
    expect(normalize([])).toEqual([]);
  });
});
