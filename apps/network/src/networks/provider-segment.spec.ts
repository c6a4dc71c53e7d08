import { networkConfigSchema } from '../config/network-config';
import { candidateSegmentationId, maxMtu, resolveSegment, segmentKey } from './provider-segment';

const config = networkConfigSchema.parse({
  NETWORK_VNI_RANGE: '100:199',
  NETWORK_PHYSICAL_NETWORKS: 'physnet1,physnet2',
});

describe('provider segments', () => {
  it('makes tenant networks VXLAN with a VNI from the configured range', () => {
    const segment = resolveSegment({}, config);
    expect(segment).toEqual({ networkType: 'vxlan', physicalNetwork: null, segmentationId: undefined });
    const vni = candidateSegmentationId(segment, config)!;
    expect(vni).toBeGreaterThanOrEqual(100);
    expect(vni).toBeLessThanOrEqual(199);
    expect(maxMtu('vxlan', config)).toBe(1450);
  });

  it('validates flat and VLAN networks against the known physical networks', () => {
    expect(resolveSegment({ networkType: 'flat', physicalNetwork: 'physnet2' }, config)).toMatchObject({
      segmentationId: null,
    });
    expect(() => resolveSegment({ networkType: 'flat', physicalNetwork: 'elsewhere' }, config)).toThrow();
    expect(() =>
      resolveSegment({ networkType: 'vlan', physicalNetwork: 'physnet1', segmentationId: 4095 }, config),
    ).toThrow();
    expect(() => resolveSegment({ networkType: 'gre' }, config)).toThrow();
    expect(segmentKey('vlan', 'physnet1', 7)).toBe('vlan:physnet1:7');
    expect(segmentKey('flat', 'physnet1', null)).toBe('flat:physnet1:');
    expect(segmentKey('local', null, null)).toBeNull();
  });
});
