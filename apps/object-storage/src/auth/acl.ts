import { swiftError } from '../swift/swift-errors';

/**
 * Container ACLs as Swift's acl module reads them: comma-separated entries, referrer rules
 * (".r:*", ".r:.example.com", ".r:-bad.example.com"), ".rlistings", and grants to
 * "<project>:<user>" with "*" for either side, or to a role name.
 */
export interface ParsedAcl {
  referrers: string[];
  groups: string[];
}

const REFERRER_DESIGNATORS = ['.r', '.ref', '.referer', '.referrer'];

/** Swift's clean_acl: normalises an ACL header value or answers 400 with Swift's message. */
export function cleanAcl(headerName: string, value: string): string {
  const isWrite = headerName.toLowerCase().includes('write');
  const values: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      values.push(entry);
      continue;
    }
    const first = entry.slice(0, colon).trim();
    let second = entry.slice(colon + 1).trim();
    if (!first || !first.startsWith('.')) {
      values.push(entry);
    } else if (REFERRER_DESIGNATORS.includes(first)) {
      if (isWrite) throw swiftError(400, `Referrers not allowed in write ACL: '${entry}'`);
      let negate = false;
      if (second.startsWith('-')) {
        negate = true;
        second = second.slice(1).trim();
      }
      if (second && second !== '*' && second.startsWith('*')) second = second.slice(1).trim();
      if (!second || second === '.') {
        throw swiftError(400, `No host/domain value after referrer designation in ACL: '${entry}'`);
      }
      values.push(`.r:${negate ? '-' : ''}${second}`);
    } else {
      throw swiftError(400, `Unknown designator '${first}' in ACL: '${entry}'`);
    }
  }
  return values.join(',');
}

/** Swift's parse_acl (version 1). */
export function parseAcl(value: string | null | undefined): ParsedAcl {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.startsWith('.r:')) referrers.push(entry.slice(3));
    else groups.push(entry);
  }
  return { referrers, groups };
}

/** Swift's referrer_allowed: later rules win, "-host" denies, ".domain" matches subdomains. */
export function referrerAllowed(referrer: string | undefined, rules: string[]): boolean {
  let host = 'unknown';
  if (referrer) {
    try {
      host = new URL(referrer).hostname || 'unknown';
    } catch {
      host = 'unknown';
    }
  }
  let allow = false;
  for (const rule of rules) {
    const negate = rule.startsWith('-');
    const match = negate ? rule.slice(1) : rule;
    const matches =
      (!negate && match === '*') || match === host || (match.startsWith('.') && host.endsWith(match));
    if (matches) allow = !negate;
  }
  return allow;
}
