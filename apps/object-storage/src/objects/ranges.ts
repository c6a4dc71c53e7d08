/** A byte range as swob keeps them: start inclusive, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

type RangeSpec = [number | null, number | null];

/** More ranges than this, or too many overlapping or out-of-order ones, are refused (RFC 7233 6.1). */
const MAX_RANGES = 50;
const MAX_RANGE_OVERLAPS = 2;
const MAX_NONASCENDING_RANGES = 8;

/** swob's Range: null when the header is not a valid byte range set (the range is then ignored). */
export function parseRangeHeader(header: string | undefined): RangeSpec[] | null {
  if (!header) return null;
  const value = header.replace(/ /g, '');
  if (!value.toLowerCase().startsWith('bytes=')) return null;
  const specs: RangeSpec[] = [];
  for (const part of value.slice(6).split(',')) {
    const dash = part.indexOf('-');
    if (dash < 0) return null;
    const startText = part.slice(0, dash);
    const endText = part.slice(dash + 1);
    if (startText && !/^\d+$/.test(startText)) return null;
    if (endText && !/^\d+$/.test(endText)) return null;
    const start = startText ? Number(startText) : null;
    const end = endText ? Number(endText) : null;
    if (end === null && start === null) return null;
    if (end !== null && start !== null && end < start) return null;
    specs.push([start, end]);
  }
  return specs;
}

/** swob's ranges_for_length: the satisfiable spans; empty means 416. */
export function rangesForLength(specs: RangeSpec[], length: number): Span[] {
  const spans: Span[] = [];
  for (const [start, end] of specs) {
    if (start === null) {
      if (end === 0) continue;
      spans.push(end! > length ? { start: 0, end: length } : { start: length - end!, end: length });
    } else if (end === null) {
      if (start < length) spans.push({ start, end: length });
    } else if (start < length) {
      spans.push({ start, end: Math.min(end + 1, length) });
    }
  }
  if (spans.length > MAX_RANGES) return [];
  let overlaps = 0;
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [a, b] = [spans[i], spans[j]];
      if (
        (a.start < b.start && b.start < a.end) ||
        (a.start < b.end && b.end < a.end) ||
        (b.start < a.start && a.start < b.end) ||
        (b.start < a.end && a.end < b.end)
      ) {
        overlaps += 1;
        if (overlaps > MAX_RANGE_OVERLAPS) return [];
      }
    }
  }
  let nonAscending = 0;
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].start) {
      nonAscending += 1;
      if (nonAscending > MAX_NONASCENDING_RANGES) return [];
    }
  }
  return spans;
}
