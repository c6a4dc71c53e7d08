import { badRequest } from '@stratus/platform';
import { createHash } from 'node:crypto';
import { formatCidr, parseCidr } from '../ipam/ip-address';

/** Protocol names Neutron accepts, with their IANA numbers. */
export const PROTOCOL_NUMBERS: Record<string, number> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};

const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
const ICMP_PROTOCOLS = new Set([1, 58]);

export interface RuleInput {
  direction: string;
  ethertype?: string;
  protocol?: string | number | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
}

export interface NormalisedRule {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  /** The network of remote_ip_prefix (10.0.0.5/24 -> 10.0.0.0/24), what the rule actually matches. */
  normalizedCidr: string | null;
  remoteGroupId: string | null;
}

/** Validates a rule as Neutron's security group mixin does and puts it in a canonical form. */
export function normaliseRule(input: RuleInput): NormalisedRule {
  if (input.direction !== 'ingress' && input.direction !== 'egress') {
    throw badRequest(`Invalid input for direction. Reason: ${input.direction} is not in [ingress, egress].`);
  }
  const ethertype = canonicalEthertype(input.ethertype ?? 'IPv4');
  const protocol = canonicalProtocol(input.protocol);
  const number = protocol === null ? null : protocolNumber(protocol);
  if (number === 58 && ethertype === 'IPv4') {
    throw badRequest(
      `Invalid ethertype ${ethertype} for protocol ${protocol}.`,
      'SecurityGroupEthertypeConflictWithProtocol',
    );
  }
  const [portRangeMin, portRangeMax] = validatePorts(
    protocol,
    number,
    input.port_range_min ?? null,
    input.port_range_max ?? null,
  );
  if (input.remote_ip_prefix != null && input.remote_group_id != null) {
    throw badRequest(
      'Only remote_ip_prefix or remote_group_id may be provided.',
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
    );
  }
  let remoteIpPrefix: string | null = null;
  let normalizedCidr: string | null = null;
  if (input.remote_ip_prefix != null) {
    const parsed = parseCidr(input.remote_ip_prefix);
    if (!parsed) {
      throw badRequest(
        `Invalid input for remote_ip_prefix. Reason: '${input.remote_ip_prefix}' is not a valid IP subnet.`,
      );
    }
    if ((parsed.cidr.version === 4 ? 'IPv4' : 'IPv6') !== ethertype) {
      throw badRequest(
        `Conflicting value ethertype ${ethertype} for CIDR ${input.remote_ip_prefix}`,
        'SecurityGroupRuleParameterConflict',
      );
    }
    normalizedCidr = formatCidr(parsed.cidr);
    remoteIpPrefix = input.remote_ip_prefix.includes('/') ? input.remote_ip_prefix : normalizedCidr;
  }
  return {
    direction: input.direction,
    ethertype,
    protocol,
    portRangeMin,
    portRangeMax,
    remoteIpPrefix,
    normalizedCidr,
    remoteGroupId: input.remote_group_id ?? null,
  };
}

function canonicalEthertype(value: string): 'IPv4' | 'IPv6' {
  const lower = value.toLowerCase();
  if (lower === 'ipv4') return 'IPv4';
  if (lower === 'ipv6') return 'IPv6';
  throw badRequest(
    `Security group rule for ethertype '${value}' not supported. Allowed values are ['IPv4', 'IPv6'].`,
    'SecurityGroupRuleInvalidEtherType',
  );
}

function canonicalProtocol(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).toLowerCase();
  if (text === 'any') return null;
  if (text in PROTOCOL_NUMBERS) return text;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return String(Number(text));
  throw badRequest(
    `Security group rule protocol ${String(value)} not supported. Only protocol values [None, ${Object.keys(PROTOCOL_NUMBERS).join(', ')}] and integer representations [0 to 255] are supported.`,
    'SecurityGroupRuleInvalidProtocol',
  );
}

function protocolNumber(protocol: string): number {
  return protocol in PROTOCOL_NUMBERS ? PROTOCOL_NUMBERS[protocol] : Number(protocol);
}

function validatePorts(
  protocol: string | null,
  number: number | null,
  min: number | null,
  max: number | null,
): [number | null, number | null] {
  if (min === null && max === null) return [null, null];
  if (number === null) {
    throw badRequest(
      'Must also specify protocol if port range is given.',
      'SecurityGroupProtocolRequiredWithPorts',
    );
  }
  if (PORT_PROTOCOLS.has(number)) {
    for (const port of [min, max]) {
      if (port !== null && (port < 1 || port > 65535)) {
        throw badRequest(`Invalid value for port ${port}`, 'SecurityGroupInvalidPortValue');
      }
    }
    if (min === null || max === null || min > max) {
      throw badRequest(
        'For TCP/UDP protocols, port_range_min must be <= port_range_max',
        'SecurityGroupInvalidPortRange',
      );
    }
    return [min, max];
  }
  if (ICMP_PROTOCOLS.has(number)) {
    for (const [field, value] of [
      ['type', min],
      ['code', max],
    ] as const) {
      if (value !== null && (value < 0 || value > 255)) {
        throw badRequest(
          `Invalid value for ICMP ${field} (type or code) setting: ${value}`,
          'SecurityGroupInvalidIcmpValue',
        );
      }
    }
    if (min === null && max !== null) {
      throw badRequest(
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
        'SecurityGroupMissingIcmpType',
      );
    }
    return [min, max];
  }
  throw badRequest(
    `Invalid protocol ${protocol} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.`,
    'SecurityGroupInvalidProtocolForPortRange',
  );
}

/**
 * What makes two rules duplicates: the same match once names and numbers, and "anywhere" spelt as
 * 0.0.0.0/0 or left empty, are treated alike. Stored under a unique index with the group id.
 */
export function ruleFingerprint(rule: NormalisedRule): string {
  const everywhere = rule.normalizedCidr === '0.0.0.0/0' || rule.normalizedCidr === '::/0';
  const material = [
    rule.direction,
    rule.ethertype,
    rule.protocol === null ? '' : String(protocolNumber(rule.protocol)),
    rule.portRangeMin ?? '',
    rule.portRangeMax ?? '',
    everywhere ? '' : (rule.normalizedCidr ?? ''),
    rule.remoteGroupId ?? '',
  ].join('|');
  return createHash('sha256').update(material).digest('hex');
}
