type Comparator = (value: string, wanted: string) => boolean;

/**
 * Nova's extra-spec requirement language, compared against one value a host offers:
 *   "= 4" at least 4; "== 4", "!= 4", ">= 4", "<= 4" numeric; "s== x", "s!= x", "s< x", "s<= x",
 *   "s> x", "s>= x" string order; "<in> x" x is a substring; "<all-in> x y" all are substrings;
 *   "<or> a <or> b" equals one of them; anything else must equal the value exactly.
 */
export function matchesExtraSpec(value: string, requirement: string): boolean {
  const [operator = '', ...operands] = requirement.split(/\s+/).filter((w) => w.length > 0);
  if (operator === '<or>') return operands.filter((_, i) => i % 2 === 0).includes(value);
  if (operator === '<all-in>') return operands.length > 0 && operands.every((o) => value.includes(o));
  const compare = COMPARATORS.get(operator);
  if (!compare) return value === requirement;
  return operands.length > 0 && compare(value, operands[0]);
}

function numeric(test: (value: number, wanted: number) => boolean): Comparator {
  return (value, wanted) => {
    const v = toNumber(value);
    const w = toNumber(wanted);
    // Nova fails the whole request on a value that is not a number; here such a host just does not match.
    return v !== undefined && w !== undefined && test(v, w);
  };
}

const COMPARATORS = new Map<string, Comparator>([
  ['=', numeric((v, w) => v >= w)],
  ['==', numeric((v, w) => v === w)],
  ['!=', numeric((v, w) => v !== w)],
  ['>=', numeric((v, w) => v >= w)],
  ['<=', numeric((v, w) => v <= w)],
  ['<in>', (value, wanted) => value.includes(wanted)],
  ['s==', (value, wanted) => value === wanted],
  ['s!=', (value, wanted) => value !== wanted],
  ['s<', (value, wanted) => value < wanted],
  ['s<=', (value, wanted) => value <= wanted],
  ['s>', (value, wanted) => value > wanted],
  ['s>=', (value, wanted) => value >= wanted],
]);

function toNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
