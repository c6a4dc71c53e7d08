import {
  cidrsOverlap,
  eui64Address,
  formatCidr,
  formatIp,
  normaliseIp,
  parseCidr,
  parseIp,
} from './ip-address';

describe('IP addresses', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIp('10.0.0.1')).toEqual({ version: 4, value: 0x0a000001n });
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.1 ', 'a.b.c.d', '']) {
      expect(parseIp(bad)).toBeUndefined();
    }
  });

  it('parses IPv6 in every notation and prints the RFC 5952 form', () => {
    expect(normaliseIp('FD00:0000:0000:0000:0000:0000:0000:0001')).toBe('fd00::1');
    expect(normaliseIp('::')).toBe('::');
    expect(normaliseIp('::ffff:10.0.0.1')).toBe('::ffff:a00:1');
    expect(normaliseIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(normaliseIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    for (const bad of ['1::2::3', '12345::', 'fd00::g', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0']) {
      expect(parseIp(bad)).toBeUndefined();
    }
  });

  it('parses prefixes and notices host bits', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({
      cidr: { version: 4, network: 0x0a000000n, prefix: 24 },
      hostBitsSet: true,
    });
    expect(formatCidr(parseCidr('fd00:1::/64')!.cidr)).toBe('fd00:1::/64');
    expect(parseCidr('10.0.0.1')!.cidr.prefix).toBe(32);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', 'fd00::/129'])
      expect(parseCidr(bad)).toBeUndefined();
  });

  it('tells whether prefixes overlap', () => {
    const cidr = (text: string) => parseCidr(text)!.cidr;
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.0.128/25'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('::/0'))).toBe(false);
  });

  it('derives the modified EUI-64 address SLAAC gives a MAC', () => {
    const address = eui64Address(parseCidr('2001:db8::/64')!.cidr, 'fa:16:3e:12:34:56');
    expect(formatIp(address)).toBe('2001:db8::f816:3eff:fe12:3456');
  });
});
