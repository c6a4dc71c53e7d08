import { DomainError } from '@stratus/platform';
import { normaliseRule, ruleFingerprint } from './rule-validation';

function typeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error.type ?? error.code;
    throw error;
  }
  return undefined;
}

describe('security group rule validation', () => {
  it('canonicalises protocols, ethertypes and prefixes', () => {
    expect(
      normaliseRule({
        direction: 'ingress',
        ethertype: 'ipv6',
        protocol: 'TCP',
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefix: 'fd00::5/64',
      }),
    ).toEqual({
      direction: 'ingress',
      ethertype: 'IPv6',
      protocol: 'tcp',
      portRangeMin: 22,
      portRangeMax: 22,
      remoteIpPrefix: 'fd00::5/64',
      normalizedCidr: 'fd00::/64',
      remoteGroupId: null,
    });
    expect(normaliseRule({ direction: 'egress', protocol: 'any' }).protocol).toBeNull();
    expect(normaliseRule({ direction: 'egress', protocol: 17 }).protocol).toBe('17');
  });

  it('refuses what Neutron refuses', () => {
    expect(typeOf(() => normaliseRule({ direction: 'in' }))).toBe('BAD_REQUEST');
    expect(typeOf(() => normaliseRule({ direction: 'ingress', ethertype: 'IPX' }))).toBe(
      'SecurityGroupRuleInvalidEtherType',
    );
    expect(typeOf(() => normaliseRule({ direction: 'ingress', protocol: 'tcpp' }))).toBe(
      'SecurityGroupRuleInvalidProtocol',
    );
    expect(typeOf(() => normaliseRule({ direction: 'ingress', port_range_min: 1, port_range_max: 2 }))).toBe(
      'SecurityGroupProtocolRequiredWithPorts',
    );
    expect(typeOf(() => normaliseRule({ direction: 'ingress', protocol: 'tcp', port_range_min: 22 }))).toBe(
      'SecurityGroupInvalidPortRange',
    );
    expect(
      typeOf(() =>
        normaliseRule({ direction: 'ingress', protocol: 'udp', port_range_min: 0, port_range_max: 0 }),
      ),
    ).toBe('SecurityGroupInvalidPortValue');
    expect(typeOf(() => normaliseRule({ direction: 'ingress', protocol: 'icmp', port_range_max: 0 }))).toBe(
      'SecurityGroupMissingIcmpType',
    );
    expect(typeOf(() => normaliseRule({ direction: 'ingress', protocol: 'icmpv6' }))).toBe(
      'SecurityGroupEthertypeConflictWithProtocol',
    );
    expect(
      typeOf(() =>
        normaliseRule({ direction: 'ingress', remote_ip_prefix: '10.0.0.0/8', remote_group_id: 'g' }),
      ),
    ).toBe('SecurityGroupRemoteGroupAndRemoteIpPrefix');
    expect(
      typeOf(() =>
        normaliseRule({ direction: 'ingress', ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/8' }),
      ),
    ).toBe('SecurityGroupRuleParameterConflict');
  });

  it('gives rules that match the same traffic the same fingerprint', () => {
    const fingerprint = (rule: Parameters<typeof normaliseRule>[0]) => ruleFingerprint(normaliseRule(rule));
    expect(
      fingerprint({ direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 }),
    ).toBe(
      fingerprint({
        direction: 'ingress',
        protocol: '6',
        port_range_min: 80,
        port_range_max: 80,
        remote_ip_prefix: '0.0.0.0/0',
      }),
    );
    expect(fingerprint({ direction: 'ingress', protocol: 'tcp', remote_ip_prefix: '10.0.0.1/8' })).toBe(
      fingerprint({ direction: 'ingress', protocol: 'tcp', remote_ip_prefix: '10.0.0.0/8' }),
    );
    expect(fingerprint({ direction: 'ingress', protocol: 'tcp' })).not.toBe(
      fingerprint({ direction: 'egress', protocol: 'tcp' }),
    );
  });
});
