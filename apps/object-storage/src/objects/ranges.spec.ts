import { parseRangeHeader, rangesForLength } from './ranges';

const spans = (header: string, length: number) => {
  const specs = parseRangeHeader(header);
  return specs && rangesForLength(specs, length);
};

describe('byte ranges as swob reads them', () => {
  it('ignores headers that are not byte range sets', () => {
    for (const header of ['', 'items=0-1', 'bytes=5-3', 'bytes=a-b', 'bytes=-', 'bytes=1']) {
      expect(parseRangeHeader(header)).toBeNull();
    }
  });

  it('clips to the length and turns suffixes into spans', () => {
    expect(spans('bytes=0-99', 10)).toEqual([{ start: 0, end: 10 }]);
    expect(spans('bytes=-3', 10)).toEqual([{ start: 7, end: 10 }]);
    expect(spans('bytes=-30', 10)).toEqual([{ start: 0, end: 10 }]);
    expect(spans('bytes=4-', 10)).toEqual([{ start: 4, end: 10 }]);
    expect(spans('bytes = 1-2, 5-6', 10)).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 7 },
    ]);
  });

  it('answers nothing satisfiable (416) past the end, for -0, and for zero-length data', () => {
    expect(spans('bytes=10-20', 10)).toEqual([]);
    expect(spans('bytes=-0', 10)).toEqual([]);
    expect(spans('bytes=0-', 0)).toEqual([]);
    expect(spans('bytes=20-30,2-3', 10)).toEqual([{ start: 2, end: 4 }]);
  });

  it('refuses abusive range sets (too many, overlapping, out of order)', () => {
    const many = Array.from({ length: 51 }, (_, i) => `${i}-${i}`).join(',');
    expect(spans(`bytes=${many}`, 100)).toEqual([]);
    expect(spans('bytes=0-10,1-11,2-12,3-13', 100)).toEqual([]);
    const backwards = Array.from({ length: 10 }, (_, i) => `${90 - i * 5}-${90 - i * 5}`).join(',');
    expect(spans(`bytes=${backwards}`, 100)).toEqual([]);
  });
});
