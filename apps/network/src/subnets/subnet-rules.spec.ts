import { DomainError } from '@stratus/platform';
import { formatIp } from '../ipam/ip-address';
import {
  defaultPools,
  parseSubnetCidr,
  resolveGateway,
  validateHostRoutes,
  validateIpv6Modes,
  validateNameservers,
  validatePools,
} from './subnet-rules';

function errorOf(work: () => unknown): { status: number; type?: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return { status: error.status, type: error.type };
    throw error;
  }
  throw new Error('no error');
}

const text = (pools: { version: 4 | 6; first: bigint; last: bigint }[]) =>
  pools.map(
    (p) =>
      `${formatIp({ version: p.version, value: p.first })}-${formatIp({ version: p.version, value: p.last })}`,
  );

describe('subnet rules', () => {
  const v4 = parseSubnetCidr('10.0.0.0/24');

  it('makes Neutron default pools around the gateway', () => {
    expect(text(defaultPools(v4, resolveGateway(v4, undefined)))).toEqual(['10.0.0.2-10.0.0.254']);
    expect(text(defaultPools(v4, resolveGateway(v4, '10.0.0.100')))).toEqual([
      '10.0.0.1-10.0.0.99',
      '10.0.0.101-10.0.0.254',
    ]);
    expect(text(defaultPools(v4, resolveGateway(v4, null)))).toEqual(['10.0.0.1-10.0.0.254']);
    expect(defaultPools(parseSubnetCidr('10.0.0.0/31'), null)).toEqual([]);
    const v6 = parseSubnetCidr('fd00::/64');
    expect(text(defaultPools(v6, resolveGateway(v6, undefined)))).toEqual([
      'fd00::2-fd00::ffff:ffff:ffff:ffff',
    ]);
  });

  it('refuses pools that overlap, leave the subnet, run backwards or hold the gateway', () => {
    const pool = (start: string, end: string) => ({ start, end });
    expect(
      errorOf(() => validatePools(v4, [pool('10.0.0.2', '10.0.0.20'), pool('10.0.0.20', '10.0.0.30')], null)),
    ).toEqual({
      status: 409,
      type: 'OverlappingAllocationPools',
    });
    expect(errorOf(() => validatePools(v4, [pool('10.0.0.2', '10.0.0.255')], null)).type).toBe(
      'OutOfBoundsAllocationPool',
    );
    expect(errorOf(() => validatePools(v4, [pool('10.0.0.9', '10.0.0.2')], null)).type).toBe(
      'InvalidAllocationPool',
    );
    expect(errorOf(() => validatePools(v4, [pool('fd00::1', 'fd00::2')], null)).type).toBe(
      'InvalidAllocationPool',
    );
    expect(errorOf(() => validatePools(v4, [pool('10.0.0.1', '10.0.0.9')], 1n + (10n << 24n))).type).toBe(
      'GatewayConflictWithAllocationPools',
    );
    expect(
      validatePools(v4, [pool('10.0.0.2', '10.0.0.9'), pool('10.0.0.10', '10.0.0.20')], null),
    ).toHaveLength(2);
  });

  it('refuses CIDRs with host bits, gateways that are not hosts, and bad IPv6 modes', () => {
    expect(errorOf(() => parseSubnetCidr('10.0.0.1/24')).status).toBe(400);
    expect(errorOf(() => parseSubnetCidr('10.0.0.0')).status).toBe(400);
    expect(errorOf(() => resolveGateway(v4, '10.0.0.0')).type).toBe('InvalidInput');
    expect(errorOf(() => resolveGateway(v4, '10.0.0.255')).type).toBe('InvalidInput');
    expect(errorOf(() => validateIpv6Modes(v4, 'slaac', null)).type).toBe('InvalidInput');
    const v6 = parseSubnetCidr('fd00::/64');
    expect(errorOf(() => validateIpv6Modes(v6, 'slaac', 'dhcpv6-stateful')).type).toBe('InvalidInput');
    expect(errorOf(() => validateIpv6Modes(parseSubnetCidr('fd00::/80'), null, 'slaac')).type).toBe(
      'InvalidInput',
    );
    expect(validateIpv6Modes(parseSubnetCidr('fd00::/80'), null, 'dhcpv6-stateful')).toEqual({
      raMode: null,
      addressMode: 'dhcpv6-stateful',
    });
  });

  it('canonicalises DNS servers and host routes and refuses duplicates and excess', () => {
    expect(validateNameservers(['FD00::0001', '10.0.0.2'])).toEqual(['fd00::1', '10.0.0.2']);
    expect(errorOf(() => validateNameservers(['10.0.0.2', '10.0.0.2'])).status).toBe(400);
    expect(
      errorOf(() => validateNameservers(['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5', '1.1.1.6']))
        .type,
    ).toBe('DNSNameServersExhausted');
    expect(validateHostRoutes(4, [{ destination: '192.168.0.0/16', nexthop: '10.0.0.1' }])).toEqual([
      { destination: '192.168.0.0/16', nexthop: '10.0.0.1' },
    ]);
    expect(
      errorOf(() => validateHostRoutes(4, [{ destination: 'fd00::/64', nexthop: '10.0.0.1' }])).type,
    ).toBe('InvalidInput');
  });
});
